package io.bolometer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Caps a process at a fraction of one core with a CFS quota: cgroup v2 {@code cpu.max} or v1
 * {@code cpu.cfs_quota_us}, in a child group of its own. Empty when the cgroup file system is not writable
 * (then the bench falls back to measured CPU time).
 */
public final class CpuCap implements AutoCloseable {
    private static final long PERIOD_US = 100_000;

    private final Path group;
    private final Path parentProcs;
    private final long pid;
    private final String method;

    private CpuCap(Path group, Path parentProcs, long pid, String method) {
        this.group = group;
        this.parentProcs = parentProcs;
        this.pid = pid;
        this.method = method;
    }

    public static Optional<CpuCap> apply(long pid, double cores) {
        long quota = Math.round(cores * PERIOD_US);
        Path v2 = Path.of("/sys/fs/cgroup");
        Path v1 = Path.of("/sys/fs/cgroup/cpu");
        String name = "bolometer-bench-" + pid;
        try {
            if (Files.isRegularFile(v2.resolve("cgroup.controllers"))) {
                Path parent = v2.resolve(currentV2Group());
                Path group = Files.createDirectories(parent.resolve(name));
                Files.writeString(group.resolve("cpu.max"), quota + " " + PERIOD_US);
                Files.writeString(group.resolve("cgroup.procs"), Long.toString(pid));
                return Optional.of(new CpuCap(group, parent.resolve("cgroup.procs"), pid,
                        "cgroup v2 cpu.max " + quota + " " + PERIOD_US));
            }
            if (Files.isRegularFile(v1.resolve("cpu.cfs_quota_us"))) {
                Path group = Files.createDirectories(v1.resolve(name));
                Files.writeString(group.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_US));
                Files.writeString(group.resolve("cpu.cfs_quota_us"), Long.toString(quota));
                Files.writeString(group.resolve("cgroup.procs"), Long.toString(pid));
                return Optional.of(new CpuCap(group, v1.resolve("cgroup.procs"), pid,
                        "cgroup v1 cpu.cfs_quota_us=" + quota + " cpu.cfs_period_us=" + PERIOD_US));
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("bench: cannot cap the agent's CPU with a cgroup (" + e + "); using measured CPU time");
        }
        return Optional.empty();
    }

    private static String currentV2Group() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            if (line.startsWith("0::")) {
                return line.substring(3).replaceFirst("^/", "");
            }
        }
        return "";
    }

    public String method() {
        return method;
    }

    /** Moves the process back to the parent group and removes the capped one. */
    @Override
    public void close() {
        try {
            if (Files.exists(Path.of("/proc", Long.toString(pid)))) {
                Files.writeString(parentProcs, Long.toString(pid));
            }
            Files.deleteIfExists(group);
        } catch (IOException e) {
            System.err.println("bench: could not remove cgroup " + group + ": " + e);
        }
    }
}
