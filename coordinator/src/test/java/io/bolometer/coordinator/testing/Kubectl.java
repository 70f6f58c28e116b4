package io.bolometer.coordinator.testing;

import io.bolometer.testing.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real kubectl v1.20.2 binary, run as a user would against the test server, each call bounded in time.
 *
 * @param binary the kubectl binary (also for running kubectl plugins, which kubectl finds on the PATH, with this
 *               binary first)
 * @param kubeconfig the test server's kubeconfig
 * @param workDir where kubectl keeps its discovery cache and its output goes through files
 */
public record Kubectl(Path binary, Path kubeconfig, Path workDir) {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

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
        Command.Result result = Command.run(command, null, stdin, timeout, workDir, env -> env.remove("KUBECONFIG"));
        return new Result(List.of(args), result.exitCode(), result.stdout(), result.stderr());
    }
}
