package io.bolometer.agent;

import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.agent.cluster.ClusterAgent;
import io.bolometer.agent.cluster.ClusterSettings;
import io.bolometer.agent.standalone.StandaloneAgent;
import io.bolometer.agent.standalone.StandaloneConfig;
import io.bolometer.model.LogFormat;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of {@code bolometer-node-agent.jar}: standalone mode with {@code --standalone FILE}, else cluster mode. */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    private static final String USAGE = """
            Usage: java -jar bolometer-node-agent.jar --standalone FILE
                   java -jar bolometer-node-agent.jar              (cluster mode, settings from the environment)

            --standalone FILE   profile local processes listed in FILE (see docs/standalone.md)
            --help              print this text
            Environment: SHUTDOWN_GRACE_SECONDS (default 25): how long SIGTERM waits for captures and uploads.
            Cluster mode: NODE_NAME (required), HOST_IP, KUBELET_URL, KUBELET_TOKEN_FILE, KUBELET_CA_FILE,
              KUBELET_INSECURE_SKIP_VERIFY, SPOOL_DIR, SPOOL_MAX_BYTES, METRICS_PORT, HEALTH_PORT (see README).
            """;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        LogFormat.problem(System.getenv()).ifPresent(problem -> {
            System.err.println(problem);
            System.exit(2);
        });
        if (args.length == 1 && ("--help".equals(args[0]) || "-h".equals(args[0]))) {
            System.out.print(USAGE);
            return;
        }
        if (args.length == 2 && "--standalone".equals(args[0])) {
            int exitCode = runStandalone(Path.of(args[1]));
            if (exitCode != 0) {
                System.exit(exitCode);
            }
            return;
        }
        if (args.length == 0) {
            int exitCode = runCluster();
            if (exitCode != 0) {
                System.exit(exitCode);
            }
            return;
        }
        System.err.print(USAGE);
        System.exit(2);
    }

    private static int runCluster() throws Exception {
        ClusterSettings settings;
        try {
            settings = ClusterSettings.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("Cannot start in cluster mode: " + e.getMessage());
            return 2;
        }
        Duration grace = shutdownGrace();
        Vertx vertx = newVertx();
        ClusterAgent agent;
        try {
            agent = ClusterAgent.start(vertx, settings, Clock.systemUTC());
        } catch (Exception e) {
            // the root cause names what is wrong (kubeconfig, TLS, a missing class); fabric8's own message often doesn't
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            LOG.error("Cannot start in cluster mode: {}{}", e, root == e ? "" : " (cause: " + root + ")");
            LOG.debug("Start-up failure", e);
            vertx.close();
            return 1;
        }
        awaitShutdown(grace, () -> agent.shutdown(grace), vertx);
        return 0;
    }

    private static int runStandalone(Path file) throws Exception {
        if (!Files.isRegularFile(file)) {
            System.err.println("Standalone config " + file + " does not exist");
            return 2;
        }
        Duration grace = shutdownGrace();
        Vertx vertx = newVertx();
        AgentRuntime runtime;
        try {
            runtime = StandaloneAgent.start(vertx, file, Path.of("/proc"), Clock.systemUTC());
        } catch (StandaloneConfig.InvalidStandaloneConfigException e) {
            System.err.println("Invalid standalone config: " + e.getMessage());
            vertx.close();
            return 2;
        }
        awaitShutdown(grace, () -> runtime.shutdown(grace), vertx);
        return 0;
    }

    private static Duration shutdownGrace() {
        return Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("SHUTDOWN_GRACE_SECONDS", "25")));
    }

    private static Vertx newVertx() {
        return Vertx.vertx(new VertxOptions().setWorkerPoolSize(4).setEventLoopPoolSize(2));
    }

    /** Blocks until SIGTERM (or another JVM exit); then stops the agent within the grace and closes Vert.x. */
    private static void awaitShutdown(Duration grace, Runnable stop, Vertx vertx) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Shutting down: finishing running captures and draining the spool (up to {} s)", grace.toSeconds());
            stop.run();
            vertx.close().toCompletionStage().toCompletableFuture().join();
            stopped.countDown();
        }, "bolometer-shutdown"));
        stopped.await();
    }
}
