package io.bolometer.coordinator.planning;

import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.ProfilingConfigStatus;
import java.time.Instant;
import java.util.Collection;

/**
 * Folds what the agents wrote into their assignments' status into one config's status: matched pods, nodes,
 * capture/upload/error counters summed over nodes, newest capture time, and the {@code Valid}/{@code Ready}
 * conditions (keeping {@code lastTransitionTime} while a condition's status is unchanged).
 */
public final class StatusAggregator {

    /**
     * @param selection what the config selects now (null when invalid)
     * @param assignments every assignment (the counters of this config are picked out by its id)
     * @param now the time for a condition that changes status
     */
    public ProfilingConfigStatus aggregate(ProfilingConfig config, Validation validation, ConfigSelection selection,
                                           Collection<ProfilingAssignment> assignments, Instant now) {
        throw new UnsupportedOperationException("not yet");
    }
}
