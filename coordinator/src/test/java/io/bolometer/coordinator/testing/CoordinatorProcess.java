package io.bolometer.coordinator.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged coordinator ({@code coordinator/target/bolometer-coordinator.jar}, as the Deployment runs it) in its
 * own JVM against a {@link RealApiServer}, on free loopback ports, logging to {@code <dir>/<name>.log}. Writes carry
 * the user agent {@code bolometer-coordinator/<name>}, which tells replicas apart in the audit log.
 */
public final class CoordinatorProcess implements AutoCloseable {
    public static final String USER_AGENT = "bolometer-coordinator/";

    private final String name;
    private final Process process;
    private final int healthPort;
    private final Path log;

    private CoordinatorProcess(String name, Process process, int healthPort, Path log) {
        this.name = name;
        this.process = process;
        this.healthPort = healthPort;
        this.log = log;
    }

    /** Starts replica {@code name} with the lease timings of {@code lease} and any extra {@code env}. */
    public static CoordinatorProcess start(RealApiServer api, Path dir, String name, Lease lease,
                                           Map<String, String> env) throws IOException {
        Path jar = Path.of(System.getProperty("bolometer.repo.root", ".."), "coordinator", "target",
                "bolometer-coordinator.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the packaged coordinator " + jar + " is missing: run mvn package first");
        }
        int healthPort = freePort();
        Path log = dir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("KUBECONFIG", api.kubeconfigFile().toString());
        environment.put("POD_NAME", name);
        environment.put("POD_NAMESPACE", "bolometer-system");
        environment.put("METRICS_PORT", Integer.toString(freePort()));
        environment.put("HEALTH_PORT", Integer.toString(healthPort));
        environment.put("LEASE_DURATION_SECONDS", Long.toString(lease.duration().toSeconds()));
        environment.put("LEASE_RENEW_DEADLINE_SECONDS", Long.toString(lease.renewDeadline().toSeconds()));
        environment.put("LEASE_RETRY_PERIOD_SECONDS", Long.toString(lease.retryPeriod().toSeconds()));
        environment.put("KUBERNETES_USER_AGENT", USER_AGENT + name); // fabric8's own setting
        environment.putAll(env);
        return new CoordinatorProcess(name, builder.start(), healthPort, log);
    }

    /** Lease timings for a test: short, so failover fits in a test's time. */
    public record Lease(Duration duration, Duration renewDeadline, Duration retryPeriod) {
        public static final Lease SHORT = new Lease(Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(1));
    }

    public String name() {
        return name;
    }

    public Process process() {
        return process;
    }

    /** The user agent of this replica's requests, for the audit log. */
    public String userAgent() {
        return USER_AGENT + name;
    }

    /** Whether {@code /readyz} answers 200 (caches synced). */
    public boolean ready() {
        return status("/readyz") == 200;
    }

    /** The status of {@code path} on the health port, or -1 when nothing answers. */
    public int status(String path) {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + healthPort + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Kills the process (SIGKILL) and waits for it to end. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
