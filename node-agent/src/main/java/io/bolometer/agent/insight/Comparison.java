package io.bolometer.agent.insight;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What a capture's summary says against the pod's previous one: what grew, or that there was nothing to compare. */
public sealed interface Comparison permits Comparison.NoBaseline, Comparison.AgainstBaseline {

    /** The functions that grew most, largest first; empty without a baseline. */
    List<Growth> grew();

    /** No earlier profile of this pod and type was kept: nothing can be said to have grown. */
    record NoBaseline() implements Comparison {
        @Override
        public List<Growth> grew() {
            return List.of();
        }
    }

    /**
     * Compared with the baseline profile named by {@code key} and captured at {@code time}.
     *
     * @param grew the functions whose share grew most, largest first; empty when nothing grew noticeably
     */
    record AgainstBaseline(String key, Instant time, List<Growth> grew) implements Comparison {
        public AgainstBaseline {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(time, "time");
            grew = List.copyOf(grew);
        }
    }
}
