package io.bolometer.agent.trigger;

import io.bolometer.agent.targets.ResourceLimits;

/**
 * The result of checking one pod against its thresholds once.
 *
 * @param cpuPercent CPU rate as a percentage of the CPU limit, or NaN when it could not be computed yet
 * @param memoryPercent working set as a percentage of the memory limit, or NaN when unknown
 * @param projectedMemoryPercent the working set expected at the next check, in percent of the memory limit, or NaN
 *     when nothing is projected (too few readings, not growing, no limit)
 * @param memoryProjected the projection reaches {@link MemoryProjection#PROJECTED_PERCENT} while the memory
 *     threshold is not crossed yet: capture heap before the OOM kill
 */
public record Evaluation(double cpuPercent, double memoryPercent, boolean cpuViolated, boolean memoryViolated,
                         Decision decision, double projectedMemoryPercent, boolean memoryProjected) {

    /** An evaluation without a memory projection. */
    public Evaluation(double cpuPercent, double memoryPercent, boolean cpuViolated, boolean memoryViolated,
                      Decision decision) {
        this(cpuPercent, memoryPercent, cpuViolated, memoryViolated, decision, Double.NaN, false);
    }

    /** What the agent should do after this check. */
    public enum Decision {
        /** A threshold is crossed and no cooldown is running: capture now. */
        CAPTURE,
        /** A threshold is crossed but the pod was captured recently. */
        COOLING_DOWN,
        /** Nothing is crossed. */
        BELOW_THRESHOLD
    }

    /** A threshold is crossed, or the working set is projected to reach the limit by the next check. */
    public boolean violated() {
        return cpuViolated || memoryViolated || memoryProjected;
    }

    /** For log lines: {@code cpu 93% of limit, memory 41% of limit}. */
    public String describe(ResourceLimits limits) {
        return "cpu " + percent(cpuPercent) + " of " + basis(limits.cpuBasis())
                + ", memory " + percent(memoryPercent) + " of " + basis(limits.memoryBasis());
    }

    private static String percent(double value) {
        return Double.isNaN(value) ? "n/a" : Math.round(value) + "%";
    }

    private static String basis(ResourceLimits.Basis basis) {
        return switch (basis) {
            case LIMIT, CONFIGURED, UNKNOWN -> "limit";
            case REQUEST -> "request";
            case ALLOCATABLE -> "node allocatable";
        };
    }
}
