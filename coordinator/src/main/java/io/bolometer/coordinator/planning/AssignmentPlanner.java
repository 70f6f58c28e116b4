package io.bolometer.coordinator.planning;

import io.bolometer.model.v1alpha1.ProfilingConfig;
import java.util.Collection;
import java.util.Map;

/**
 * Decides which pods each valid config selects and builds the desired {@code ProfilingAssignment} spec of every
 * node: pure, deterministic (equal input gives equal output, sorted), no clients.
 */
public final class AssignmentPlanner {
    private final PlannerSettings settings;

    public AssignmentPlanner(PlannerSettings settings) {
        this.settings = settings;
    }

    /**
     * @param validConfigs configs that passed {@link SpecValidator} (invalid ones are left out by the caller)
     * @param pods the pod cache
     * @param nodes node allocatable by node name (a pod on a node missing here still gets a target, without the
     *              allocatable fallback)
     */
    public Plan plan(Collection<ProfilingConfig> validConfigs, Collection<PodInfo> pods, Map<String, NodeInfo> nodes) {
        throw new UnsupportedOperationException("not yet");
    }
}
