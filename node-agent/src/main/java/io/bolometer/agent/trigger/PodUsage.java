package io.bolometer.agent.trigger;

import java.time.Instant;

/**
 * One reading of a pod's cumulative CPU time and current working set. CPU rates come from two successive
 * readings of {@code cpuUsageCoreNanoSeconds}; {@code usageNanoCores} is not used because it reads 0 or is
 * missing when several clients poll the kubelet.
 *
 * @param time when the source says the reading was taken
 * @param cpuUsageCoreNanoSeconds cumulative CPU time in core-nanoseconds, or -1 when unknown
 * @param workingSetBytes current working set in bytes, or -1 when unknown
 */
public record PodUsage(Instant time, long cpuUsageCoreNanoSeconds, long workingSetBytes) {
}
