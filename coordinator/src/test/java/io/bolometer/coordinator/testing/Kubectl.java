package io.bolometer.coordinator.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real kubectl v1.20.2 binary, run as a user would against the test server, each call bounded in time. */
public final class Kubectl {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Path binary;
    private final Path kubeconfig;
    private final Path workDir;

    public Kubectl(Path binary, Path kubeconfig, Path workDir) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.workDir = workDir;
    }

    /** The kubectl binary (for running kubectl plugins, which kubectl finds on the PATH, with this binary first). */
    public Path binary() {
        return binary;
    }

    /** What one kubectl call did. */
    public record Result(List<String> args, int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return "kubectl " + String.join(" ", args) + " -> exit " + exitCode + "\n--- stdout\n" + stdout
                    + "--- stderr\n" + stderr;
        }
    }

    public Result run(String... args) {
        return run(null, DEFAULT_TIMEOUT, args);
    }

    /** Runs kubectl with {@code stdin} (e.g. for {@code apply -f -}); fails the test if it outlives the timeout. */
    public Result run(String stdin, Duration timeout, String... args) {
        // its own discovery cache: ~/.kube/cache is keyed by host:port, and a later server may reuse a port
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString(),
                "--cache-dir", workDir.resolve("kubectl-cache").toString()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(workDir, "kubectl", ".out");
            Path err = Files.createTempFile(workDir, "kubectl", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().remove("KUBECONFIG");
            Process process = builder.start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish within " + timeout);
            }
            return new Result(List.of(args), process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running kubectl", e);
        }
    }
}
