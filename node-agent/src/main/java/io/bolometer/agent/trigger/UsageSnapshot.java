package io.bolometer.agent.trigger;

import io.bolometer.agent.targets.PodRef;
import java.time.Instant;
import java.util.Map;

/** The usage of every pod a source knows about, read at one moment. */
public record UsageSnapshot(Instant readAt, Map<PodRef, PodUsage> pods) {
    public UsageSnapshot {
        pods = Map.copyOf(pods);
    }
}
