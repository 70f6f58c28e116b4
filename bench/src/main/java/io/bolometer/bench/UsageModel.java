package io.bolometer.bench;

import io.bolometer.testing.SummaryJson;
import java.time.Instant;

/**
 * What the fake kubelet reports for the pods: cumulative CPU advancing at each pod's current rate, and a working
 * set; both switch between a cool and a hot level when the harness says so, at a known instant.
 */
public final class UsageModel {
    public static final double CPU_LIMIT_CORES = 0.5;
    public static final long MEMORY_LIMIT_BYTES = 512L << 20;
    static final long COOL_MILLICORES = 25;
    static final long HOT_MILLICORES = 475;
    static final long COOL_WORKING_SET = 100L << 20;
    static final long HOT_WORKING_SET = 490L << 20;

    private final long[] cpuAtChangeNanos;
    private final long[] changedAtNanos;
    private final long[] millicores;
    private final long[] workingSet;

    public UsageModel(int pods) {
        cpuAtChangeNanos = new long[pods];
        changedAtNanos = new long[pods];
        millicores = new long[pods];
        workingSet = new long[pods];
        long now = nowNanos();
        for (int i = 0; i < pods; i++) {
            changedAtNanos[i] = now;
            cpuAtChangeNanos[i] = 1_000_000_000L * (i + 1);
            millicores[i] = COOL_MILLICORES;
            workingSet[i] = COOL_WORKING_SET;
        }
    }

    /** Pod {@code i}'s CPU rate becomes {@value #HOT_MILLICORES}m (95 % of its limit) or back to cool. */
    public synchronized void cpuHot(int i, boolean hot) {
        long now = nowNanos();
        cpuAtChangeNanos[i] = cpuNanos(i, now);
        changedAtNanos[i] = now;
        millicores[i] = hot ? HOT_MILLICORES : COOL_MILLICORES;
    }

    /** Pod {@code i}'s working set becomes 490 MiB (96 % of 512 MiB) or back to 100 MiB. */
    public synchronized void memoryHot(int i, boolean hot) {
        workingSet[i] = hot ? HOT_WORKING_SET : COOL_WORKING_SET;
    }

    /** The summary JSON as a kubelet would serve it now. */
    public synchronized String summary(String node) {
        Instant now = Instant.now();
        long nanos = nowNanos();
        SummaryJson json = SummaryJson.node(node).at(now);
        for (int i = 0; i < millicores.length; i++) {
            json.withPod(BenchCluster.NAMESPACE, PodFleet.name(i), "uid-" + PodFleet.name(i), cpuNanos(i, nanos),
                    workingSet[i], now);
        }
        return json.build();
    }

    private long cpuNanos(int i, long now) {
        return cpuAtChangeNanos[i] + (now - changedAtNanos[i]) * millicores[i] / 1000;
    }

    /** Wall-clock nanoseconds, comparable with the Go server's time.Now().UnixNano(). */
    public static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
