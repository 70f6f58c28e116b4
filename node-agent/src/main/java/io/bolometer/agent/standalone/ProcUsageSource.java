package io.bolometer.agent.standalone;

import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.trigger.PodUsage;
import io.bolometer.agent.trigger.UsageSnapshot;
import io.bolometer.agent.trigger.UsageSource;
import io.bolometer.agent.trigger.UsageSourceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reads CPU time and resident memory of local processes from {@code /proc/<pid>/stat} and
 * {@code /proc/<pid>/status}, standing in for the kubelet in standalone mode. A process that is gone is left
 * out of the snapshot (its thresholds are then not checked).
 */
public final class ProcUsageSource implements UsageSource {
    /** USER_HZ: Linux reports process CPU time in ticks of 1/100 s on every architecture it exports to users. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final Path procRoot;
    private final Map<PodRef, Long> pids;
    private final Clock clock;

    public ProcUsageSource(Path procRoot, Map<PodRef, Long> pids, Clock clock) {
        this.procRoot = procRoot;
        this.pids = Map.copyOf(pids);
        this.clock = clock;
    }

    @Override
    public CompletableFuture<UsageSnapshot> sample() {
        Instant now = clock.instant();
        Map<PodRef, PodUsage> pods = new HashMap<>();
        for (Map.Entry<PodRef, Long> entry : pids.entrySet()) {
            try {
                pods.put(entry.getKey(), read(entry.getValue(), now));
            } catch (IOException | RuntimeException e) {
                // The process may have exited; leave it out rather than failing every other target.
            }
        }
        if (pods.isEmpty() && !pids.isEmpty()) {
            return CompletableFuture.failedFuture(new UsageSourceException("unreachable",
                    "none of the processes " + pids.values() + " can be read under " + procRoot));
        }
        return CompletableFuture.completedFuture(new UsageSnapshot(now, pods));
    }

    private PodUsage read(long pid, Instant now) throws IOException {
        Path dir = procRoot.resolve(Long.toString(pid));
        return new PodUsage(now, cpuNanos(Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII)),
                residentBytes(Files.readAllLines(dir.resolve("status"), StandardCharsets.US_ASCII)));
    }

    /** utime + stime (fields 14 and 15) in nanoseconds; the command name in field 2 may contain spaces. */
    static long cpuNanos(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line");
        }
        String[] fields = stat.substring(close + 2).trim().split("\\s+");
        // fields[0] is field 3 (state), so field N is fields[N - 3].
        long utime = Long.parseLong(fields[14 - 3]);
        long stime = Long.parseLong(fields[15 - 3]);
        return (utime + stime) * NANOS_PER_TICK;
    }

    /** VmRSS in bytes, or -1 when the line is missing (kernel threads, zombies). */
    static long residentBytes(Iterable<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        return -1;
    }

    @Override
    public String describe() {
        return procRoot + " (" + pids.size() + " processes)";
    }
}
