package io.bolometer.e2e;

import io.bolometer.testing.Command;
import io.bolometer.agent.testing.GoToolchain;
import io.bolometer.coordinator.testing.Kubectl;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real one-node cluster of {@code scripts/real-node.sh} (kubelet + containerd + CNI bridge, control plane
 * v1.20.2) for {@code *NodeIT}s, with this build's images ({@code scripts/build-images.sh}) imported into its
 * containerd before the tests run.
 *
 * <p>When the node is not up, the tests are reported as skipped with the reason; under {@code CI=true} that is a
 * failure instead, so CI can't go green without having run them.
 */
public final class RealNode implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(6);
    private static boolean imagesImported;

    private Map<String, String> env;
    private Path workDir;
    private KubernetesClient client;
    private Kubectl kubectl;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Script status = script(Duration.ofSeconds(60), "real-node.sh", "status");
        if (status.exitCode() == 0) {
            return ConditionEvaluationResult.enabled("real node up: " + status.stdout().lines().findFirst().orElse(""));
        }
        String reason = "the real node is not up (run `make real-node` as root): " + status.stdout().strip();
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true and " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        env = new LinkedHashMap<>();
        script(Duration.ofSeconds(30), "real-node.sh", "env").stdout().lines()
                .filter(line -> line.contains("="))
                .forEach(line -> env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
        workDir = Files.createTempDirectory("bolometer-node-it-");
        importImagesOnce();
        client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig()))).build();
        kubectl = new Kubectl(Path.of(env.get("REAL_NODE_BIN"), "kubectl"), kubeconfig(), workDir);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (client != null) {
            client.close();
        }
    }

    /** Builds the three images from the jars of this build and imports them, once per JVM. */
    private static synchronized void importImagesOnce() {
        if (imagesImported) {
            return;
        }
        long started = System.nanoTime();
        Script build = script(SCRIPT_TIMEOUT, "build-images.sh");
        if (build.exitCode() != 0) {
            throw new IllegalStateException("scripts/build-images.sh failed:\n" + build);
        }
        Script imported = script(SCRIPT_TIMEOUT, "real-node.sh", "import");
        if (imported.exitCode() != 0) {
            throw new IllegalStateException("scripts/real-node.sh import failed:\n" + imported);
        }
        System.out.printf("Images built and imported in %d s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        imagesImported = true;
    }

    public KubernetesClient client() {
        return client;
    }

    public Kubectl kubectl() {
        return kubectl;
    }

    public Path kubeconfig() {
        return Path.of(env.get("KUBECONFIG"));
    }

    public String nodeName() {
        return env.get("NODE_NAME");
    }

    /** The node's address, which is the CNI bridge's own: pods reach the host (and s3mock behind a proxy) here. */
    public InetAddress nodeIp() {
        try {
            return InetAddress.getByName(env.get("NODE_IP"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path binary(String name) {
        return Path.of(env.get("REAL_NODE_BIN"), name);
    }

    public Path workDir() {
        return workDir;
    }

    /** The audit log of the node's API server (every write, with its user). */
    public Path auditLog() {
        return Path.of(env.get("REAL_NODE_DIR"), "run", "logs", "audit.log");
    }

    /** {@code ctr -n k8s.io ARGS} against the node's containerd. */
    public Script ctr(String... args) {
        List<String> command = new ArrayList<>(List.of("ctr", "--address",
                env.get("REAL_NODE_DIR") + "/containerd/containerd.sock", "-n", "k8s.io"));
        command.addAll(List.of(args));
        return run(Duration.ofSeconds(60), GoToolchain.repoRoot(), command);
    }

    /** What a script or command did. */
    public record Script(List<String> command, int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    static Script script(Duration timeout, String name, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", "scripts/" + name));
        command.addAll(List.of(args));
        return run(timeout, GoToolchain.repoRoot(), command);
    }

    static Script run(Duration timeout, Path dir, List<String> command) {
        Command.Result result = Command.run(command, dir, timeout);
        return new Script(result.command(), result.exitCode(), result.stdout(), result.stderr());
    }
}
