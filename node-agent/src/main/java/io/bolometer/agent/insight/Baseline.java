package io.bolometer.agent.insight;

import java.time.Instant;
import java.util.Objects;

/**
 * An earlier profile of the same pod and type that a new capture is compared with.
 *
 * @param key the baseline profile's object key (a local name for baselines that are never uploaded)
 * @param time when the baseline profile was captured
 */
public record Baseline(String key, Instant time, ProfileSummary summary) {
    public Baseline {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(summary, "summary");
    }
}
