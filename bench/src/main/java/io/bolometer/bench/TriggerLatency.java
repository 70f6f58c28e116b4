package io.bolometer.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Threshold crossing → capture start: pods go hot in the fake kubelet's figures at random phases of the agent's
 * check cycle; the latency of each is from that instant to the first pprof request arriving at the pod's address
 * (timed by the Go server, same wall clock).
 */
public final class TriggerLatency {
    /** Which figure crosses: memory (a gauge, seen by the next check) or CPU (a rate between two checks). */
    public enum Kind { MEMORY, CPU }

    /** The latencies (seconds) and the crossings that produced no capture before the deadline. */
    public record Outcome(List<Double> latencies, int missed) {
    }

    private TriggerLatency() {
    }

    /**
     * Runs crossings on {@code pods} in waves of {@code waveSize}: within a wave, each pod goes hot at a uniformly
     * random offset within one check interval; a pod cools again once its capture started or after the deadline
     * (four check intervals + 10 s), which then counts as missed.
     */
    public static Outcome measure(PodFleet fleet, UsageModel usage, List<Integer> pods, Kind kind,
                                  Duration checkInterval, int waveSize, Random random) throws InterruptedException {
        List<Double> latencies = new ArrayList<>();
        int missed = 0;
        ScheduledExecutorService flipper = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int start = 0; start < pods.size(); start += waveSize) {
                List<Integer> wave = pods.subList(start, Math.min(pods.size(), start + waveSize));
                Map<Integer, Long> hotSince = new HashMap<>();
                for (int pod : wave) {
                    long offset = (long) (random.nextDouble() * checkInterval.toMillis());
                    flipper.schedule(() -> {
                        switch (kind) {
                            case MEMORY -> usage.memoryHot(pod, true);
                            case CPU -> usage.cpuHot(pod, true);
                        }
                        long at = UsageModel.nowNanos();
                        synchronized (hotSince) {
                            hotSince.put(pod, at);
                        }
                        fleet.hot(pod, true);
                    }, offset, TimeUnit.MILLISECONDS);
                }
                long deadline = System.nanoTime() + checkInterval.toNanos() * 5 + Duration.ofSeconds(10).toNanos();
                List<Integer> pending = new ArrayList<>(wave);
                while (!pending.isEmpty() && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(250);
                    for (Integer pod : List.copyOf(pending)) {
                        Long since;
                        synchronized (hotSince) {
                            since = hotSince.get(pod);
                        }
                        if (since == null) {
                            continue;
                        }
                        List<Long> requests = fleet.requestsSince(pod, since);
                        if (!requests.isEmpty()) {
                            latencies.add((requests.get(0) - since) / 1e9);
                            pending.remove(pod);
                            cool(fleet, usage, pod, kind);
                        }
                    }
                }
                missed += pending.size();
                for (int pod : pending) {
                    cool(fleet, usage, pod, kind);
                }
            }
        } finally {
            flipper.shutdownNow();
        }
        return new Outcome(latencies, missed);
    }

    private static void cool(PodFleet fleet, UsageModel usage, int pod, Kind kind) {
        switch (kind) {
            case MEMORY -> usage.memoryHot(pod, false);
            case CPU -> usage.cpuHot(pod, false);
        }
        fleet.hot(pod, false);
    }
}
