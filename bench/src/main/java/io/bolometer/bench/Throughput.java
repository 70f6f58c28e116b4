package io.bolometer.bench;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Sustained stored profiles per second: rounds of requested captures on every pod at once (one assignment write
 * per round), the next round when the last one is stored, for at least {@code seconds}, with the agent capped at
 * half a core when the cgroup file system allows; the agent's CPU time is read from /proc either way.
 */
public final class Throughput {
    /** Profiles stored, over how long, with how much agent CPU, and how the cap was applied. */
    public record Outcome(long profiles, double wallSeconds, double agentCpuSeconds, int rounds, String capMethod) {
        public double wallRate() {
            return profiles / wallSeconds;
        }

        /** Profiles per agent CPU-second, scaled to half a core. */
        public double cpuDerivedRateAtHalfCore() {
            return agentCpuSeconds <= 0 ? Double.NaN : profiles / agentCpuSeconds * 0.5;
        }
    }

    private Throughput() {
    }

    public static Outcome measure(BenchCluster cluster, String node, AgentProcess agent, PodFleet fleet,
                                  TimingS3Proxy proxy, double seconds, int round0) throws IOException,
            InterruptedException {
        Optional<CpuCap> cap = CpuCap.apply(agent.pid(), 0.5);
        try {
            long start = UsageModel.nowNanos();
            double cpuStart = agent.cpuSeconds();
            int perRound = fleet.count() * BenchCluster.TYPES.size();
            int rounds = 0;
            long stored = 0;
            long lastDone = start;
            while (rounds == 0 || (UsageModel.nowNanos() - start) / 1e9 < seconds) {
                int round = round0 + rounds;
                cluster.requestCaptures(node, i -> "throughput-" + round + "-" + i);
                rounds++;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                while (true) {
                    List<TimingS3Proxy.Put> puts = agentPutsSince(proxy, start);
                    if (puts.size() >= (long) perRound * rounds) {
                        stored = puts.size();
                        lastDone = puts.stream().mapToLong(TimingS3Proxy.Put::doneNanos).max().orElse(start);
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("round " + round + " stored " + puts.size() + " of "
                                + perRound * rounds + " profiles within 180 s");
                    }
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            }
            double cpu = agent.cpuSeconds() - cpuStart;
            return new Outcome(stored, (lastDone - start) / 1e9, cpu, rounds,
                    cap.map(CpuCap::method).orElse("none (cgroup not writable): rate derived from CPU time"));
        } finally {
            cap.ifPresent(CpuCap::close);
        }
    }

    private static List<TimingS3Proxy.Put> agentPutsSince(TimingS3Proxy proxy, long since) {
        return proxy.puts().stream().filter(p -> p.doneNanos() >= since && p.bucket().equals(BenchCluster.BUCKET)
                && p.key().startsWith("profiles/")).toList();
    }
}
