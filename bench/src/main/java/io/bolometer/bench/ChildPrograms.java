package io.bolometer.bench;

import io.bolometer.bench.agent.ApiRequestsBench;
import io.bolometer.bench.coordinator.CoordinatorBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the benchmark programs, each in a JVM of its own on the bench module's class path (its working directory
 * the module it measures), with one argument: the JSON file to write its figures to. All of them live here
 * ({@code bench.coordinator}: the coordinator's; {@code bench.agent}: API requests per check, summary cost).
 */
public final class ChildPrograms {
    /**
     * A program: its class, the module whose test classpath it needs, its heap limit, and the results key of its
     * run time.
     */
    public record Program(String className, String module, String maxHeap, String secondsKey) {
        /** A program whose run time is {@code program_<module>_seconds}. */
        public Program(String className, String module, String maxHeap) {
            this(className, module, maxHeap, "program_" + module.replace('-', '_') + "_seconds");
        }
    }

    public static final List<Program> PROGRAMS = List.of(
            new Program(CoordinatorBench.class.getName(), "coordinator", "-Xmx2g"),
            new Program(ApiRequestsBench.class.getName(), "node-agent", "-Xmx512m"),
            // the summarizer's memory bound: a 64 MiB profile in a 64 MiB heap (Insight)
            new Program(io.bolometer.bench.agent.SummaryCostBench.class.getName(), "node-agent", "-Xmx64m",
                    "program_summary_cost_seconds"));

    /** What happened to one program. */
    public record Run(Program program, Path fragment, String outcome, double seconds) {
        public boolean measured() {
            return "ok".equals(outcome);
        }
    }

    private ChildPrograms() {
    }

    /**
     * Runs {@code program} in a child JVM on this JVM's class path (the bench module's test class path holds the
     * coordinator's and the agent's test classes); a program that is not there is "not measured", not a failure.
     */
    public static Run run(Path repoRoot, Program program, Path workDir, Duration timeout) throws IOException,
            InterruptedException {
        Path fragment = workDir.resolve(program.className().substring(program.className().lastIndexOf('.') + 1)
                + ".json");
        Files.deleteIfExists(fragment);
        if (ChildPrograms.class.getClassLoader().getResource(program.className().replace('.', '/') + ".class") == null) {
            return new Run(program, fragment, "not measured: " + program.className()
                    + " is not on the class path (its module's test classes)", 0);
        }
        String classpath = System.getProperty("java.class.path");
        Path module = repoRoot.resolve(program.module());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), program.maxHeap(), "-cp", classpath, program.className(), fragment.toString()));
        Path log = workDir.resolve(program.module() + "-bench.log");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(module.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return new Run(program, fragment, "not measured: timed out after " + timeout.toSeconds() + " s (log "
                    + log + ")", (System.nanoTime() - start) / 1e9);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (process.exitValue() != 0 || !Files.isRegularFile(fragment)) {
            return new Run(program, fragment, "not measured: exited " + process.exitValue() + " (log " + log + ")",
                    seconds);
        }
        return new Run(program, fragment, "ok", seconds);
    }
}
