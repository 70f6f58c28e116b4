package io.bolometer.agent.insight;

import io.bolometer.agent.trigger.Evaluation;
import io.bolometer.agent.trigger.MemoryProjection;
import io.bolometer.agent.targets.ResourceLimits;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a threshold capture happened: which resource crossed its threshold, by how much, and against which figure.
 *
 * @param percent the usage that triggered, in percent of the basis (may exceed 100)
 * @param thresholdPercent the configured threshold it crossed
 */
public record TriggerEvidence(Resource resource, double percent, double thresholdPercent, Basis basis) {

    public TriggerEvidence {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(basis, "basis");
        if (!Double.isFinite(percent) || !Double.isFinite(thresholdPercent)) {
            throw new IllegalArgumentException("percentages must be finite: " + percent + ", " + thresholdPercent);
        }
    }

    /**
     * The evidence of a threshold check that asks for a capture: CPU when it crossed its threshold, else memory,
     * else the memory projection (its percentage is the working set projected for the next check, its threshold
     * {@link MemoryProjection#PROJECTED_PERCENT}); empty when nothing was crossed.
     */
    public static Optional<TriggerEvidence> of(Evaluation evaluation, ResourceLimits limits, int cpuThresholdPercent,
                                               int memoryThresholdPercent) {
        if (evaluation.cpuViolated()) {
            return Optional.of(new TriggerEvidence(Resource.CPU, evaluation.cpuPercent(), cpuThresholdPercent,
                    Basis.of(limits.cpuBasis())));
        }
        if (evaluation.memoryViolated()) {
            return Optional.of(new TriggerEvidence(Resource.MEMORY, evaluation.memoryPercent(),
                    memoryThresholdPercent, Basis.of(limits.memoryBasis())));
        }
        if (evaluation.memoryProjected()) {
            return Optional.of(new TriggerEvidence(Resource.MEMORY_PROJECTED, evaluation.projectedMemoryPercent(),
                    MemoryProjection.PROJECTED_PERCENT, Basis.of(limits.memoryBasis())));
        }
        return Optional.empty();
    }

    /** The resource that crossed its threshold; {@code memory-projected}: the trend says the next check would. */
    public enum Resource {
        CPU("cpu"), MEMORY("memory"), MEMORY_PROJECTED("memory-projected");

        private final String wireName;

        Resource(String wireName) {
            this.wireName = wireName;
        }

        /** The value in metadata and JSON. */
        public String wireName() {
            return wireName;
        }
    }

    /** What the percentage is of: the pod's limits, else its requests, else the node's allocatable. */
    public enum Basis {
        LIMIT, REQUEST, ALLOCATABLE;

        /** The value in metadata and JSON. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The trigger's basis; a limit set in the standalone config (or none known) is a limit. */
        public static Basis of(ResourceLimits.Basis basis) {
            return switch (basis) {
                case REQUEST -> REQUEST;
                case ALLOCATABLE -> ALLOCATABLE;
                case LIMIT, CONFIGURED, UNKNOWN -> LIMIT;
            };
        }
    }

    /** For log lines and Events: {@code cpu 93.4% of limit ≥ 80%}. */
    public String describe() {
        return resource.wireName() + " " + formatPercent(percent) + "% of " + basis.wireName() + " \u2265 "
                + formatPercent(thresholdPercent) + "%";
    }

    /** A percentage for metadata and log lines: one decimal at most, {@code 93.4}, {@code 80}. */
    public static String formatPercent(double value) {
        double rounded = Math.round(value * 10) / 10.0;
        return rounded == Math.rint(rounded) ? Long.toString((long) rounded) : Double.toString(rounded);
    }
}
