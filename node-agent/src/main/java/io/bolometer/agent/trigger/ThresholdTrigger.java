package io.bolometer.agent.trigger;

import io.bolometer.agent.targets.ResourceLimits;
import java.time.Duration;
import java.time.Instant;

/**
 * Decides, for one (config, pod) pair, whether a fresh usage reading crosses a threshold (or its working set is
 * projected to reach the memory limit by the next check) and whether the cooldown allows a capture. Keeps the
 * previous reading to turn cumulative CPU time into a rate, and the last few working sets for the projection. Not
 * thread-safe: one owner calls it.
 */
public final class ThresholdTrigger {
    /**
     * More cores than any single machine has (the largest cloud instances have under 1,000 vCPUs): a rate above it
     * comes from a corrupt or wrapped counter, and must not fire a threshold capture.
     */
    static final double MAX_PLAUSIBLE_CORES = 4096;
    private final int cpuThresholdPercent;
    private final int memoryThresholdPercent;
    private final Duration cooldown;
    private final Duration horizon;
    private final MemoryProjection projection = new MemoryProjection();
    private PodUsage previous;
    private double previousCpuPercent = Double.NaN;
    private Instant cooldownUntil = Instant.MIN;

    /** A trigger without a memory projection. */
    public ThresholdTrigger(int cpuThresholdPercent, int memoryThresholdPercent, Duration cooldown) {
        this(cpuThresholdPercent, memoryThresholdPercent, cooldown, Duration.ZERO);
    }

    /**
     * A trigger that also projects the working set {@code horizon} ahead (the check interval: "by the next check");
     * zero turns the projection off.
     */
    public ThresholdTrigger(int cpuThresholdPercent, int memoryThresholdPercent, Duration cooldown, Duration horizon) {
        this.cpuThresholdPercent = cpuThresholdPercent;
        this.memoryThresholdPercent = memoryThresholdPercent;
        this.cooldown = cooldown;
        this.horizon = horizon;
    }

    /** Checks a reading taken at {@code now} (the decision time, from the agent's clock). */
    public Evaluation evaluate(PodUsage usage, ResourceLimits limits, Instant now) {
        double cpuPercent;
        if (sameReading(previous, usage)) {
            // polled again inside one kubelet housekeeping interval: the same sample, so the same rate
            cpuPercent = previousCpuPercent;
        } else {
            cpuPercent = cpuPercent(previous, usage, limits);
            if (usage.cpuUsageCoreNanoSeconds() >= 0) {
                previous = usage;
                previousCpuPercent = cpuPercent;
            }
        }
        double memoryPercent = memoryPercent(usage, limits);
        boolean cpuViolated = !Double.isNaN(cpuPercent) && cpuPercent >= cpuThresholdPercent;
        boolean memoryViolated = !Double.isNaN(memoryPercent) && memoryPercent >= memoryThresholdPercent;
        double projectedPercent = projectedMemoryPercent(usage, limits);
        boolean memoryProjected = !memoryViolated && projectedPercent >= MemoryProjection.PROJECTED_PERCENT;
        Evaluation.Decision decision;
        if (!cpuViolated && !memoryViolated && !memoryProjected) {
            decision = Evaluation.Decision.BELOW_THRESHOLD;
        } else if (now.isBefore(cooldownUntil)) {
            decision = Evaluation.Decision.COOLING_DOWN;
        } else {
            decision = Evaluation.Decision.CAPTURE;
        }
        return new Evaluation(cpuPercent, memoryPercent, cpuViolated, memoryViolated, decision, projectedPercent,
                memoryProjected);
    }

    /**
     * Only against a real memory limit (a pod's, or one set in the standalone config): above a request or the
     * node's allocatable nothing is killed, so there is nothing to get ahead of.
     */
    private double projectedMemoryPercent(PodUsage usage, ResourceLimits limits) {
        boolean limited = limits.memoryBytes() > 0 && (limits.memoryBasis() == ResourceLimits.Basis.LIMIT
                || limits.memoryBasis() == ResourceLimits.Basis.CONFIGURED);
        if (horizon.isZero() || !limited) {
            return Double.NaN;
        }
        projection.add(usage.time(), usage.workingSetBytes());
        return projection.projectedBytes(horizon) / limits.memoryBytes() * 100.0;
    }

    /** The kubelet answers with the same sample (same time, same counter) until its next housekeeping. */
    private static boolean sameReading(PodUsage earlier, PodUsage later) {
        return earlier != null && later.cpuUsageCoreNanoSeconds() >= 0 && earlier.time().equals(later.time())
                && earlier.cpuUsageCoreNanoSeconds() == later.cpuUsageCoreNanoSeconds();
    }

    /** Starts the cooldown: call when a threshold capture actually starts (not when it was skipped). */
    public void captureStarted(Instant at) {
        cooldownUntil = at.plus(cooldown);
    }

    /** When the running cooldown ends ({@link Instant#MIN} when none ran yet). */
    public Instant cooldownUntil() {
        return cooldownUntil;
    }

    /**
     * CPU rate between two cumulative readings as a percentage of the CPU limit; NaN without a usable earlier
     * reading (first check, counter reset after a container restart, clock not advanced), without a limit, or when
     * the rate is implausible (more than {@link #MAX_PLAUSIBLE_CORES} cores).
     */
    static double cpuPercent(PodUsage earlier, PodUsage later, ResourceLimits limits) {
        if (earlier == null || limits.cpuCores() <= 0
                || earlier.cpuUsageCoreNanoSeconds() < 0 || later.cpuUsageCoreNanoSeconds() < 0) {
            return Double.NaN;
        }
        long elapsedNanos = Duration.between(earlier.time(), later.time()).toNanos();
        long usedNanos = later.cpuUsageCoreNanoSeconds() - earlier.cpuUsageCoreNanoSeconds();
        if (elapsedNanos <= 0 || usedNanos < 0) {
            return Double.NaN;
        }
        double cores = (double) usedNanos / elapsedNanos;
        if (cores > MAX_PLAUSIBLE_CORES) {
            return Double.NaN;
        }
        return cores / limits.cpuCores() * 100.0;
    }

    static double memoryPercent(PodUsage usage, ResourceLimits limits) {
        if (usage.workingSetBytes() < 0 || limits.memoryBytes() <= 0) {
            return Double.NaN;
        }
        return (double) usage.workingSetBytes() / limits.memoryBytes() * 100.0;
    }
}
