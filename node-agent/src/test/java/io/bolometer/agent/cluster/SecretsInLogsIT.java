package io.bolometer.agent.cluster;

import static io.bolometer.agent.cluster.Assignments.assignment;
import static io.bolometer.agent.cluster.Assignments.config;
import static io.bolometer.agent.cluster.Assignments.target;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import io.bolometer.agent.kube.AgentKube;
import io.bolometer.agent.kubelet.KubeletSettings;
import io.bolometer.agent.kubelet.KubeletSummaryClient;
import io.bolometer.testing.Await;
import io.bolometer.testing.FakeKubelet;
import io.bolometer.agent.testing.FakePprofServer;
import io.bolometer.agent.testing.PprofBodies;
import io.bolometer.testing.S3TestServer;
import io.bolometer.agent.testing.Scrape;
import io.bolometer.testing.SummaryJson;
import io.bolometer.agent.upload.SinkRegistry;
import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.AssignedConfig;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.S3Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Runs a cluster-mode agent with distinctive AWS credentials (access key, secret key, session token) and a
 * distinctive kubelet bearer token, with every logger at DEBUG, through captures, uploads, a kubelet that refuses
 * the token (401) and an S3 bucket that does not exist; no secret, nor its base64, appears in any log event
 * (message, arguments, exception chain) or in the metrics text.
 *
 * <p>The credentials go in as the {@code aws.*} system properties, the first provider of the AWS default chain the
 * agent uses, ahead of the {@code AWS_*} environment variables (which a running JVM can't set for itself): both end
 * in the same {@code AwsSessionCredentials} the signer uses.
 */
class SecretsInLogsIT {
    private static final String ACCESS_KEY = "AKIABOLOMETERLEAK1234";
    private static final String SECRET_KEY = "s3cr3t/BolometerLeakCheck+0123456789abcdef";
    private static final String SESSION_TOKEN = "FwoGZXIvYXdzEBolometerSessionTokenLeakCheck0123456789";
    private static final String KUBELET_TOKEN = "eyJhbGciOiJSUzI1NiJ9.BolometerKubeletTokenLeakCheck.sig";
    private static final String POD_IP = "127.0.0.66";

    @TempDir
    Path dir;

    @Test
    void noCredentialOrTokenAppearsInAnyLogLineOrMetric() throws Exception {
        // s3mock is a Spring Boot app: starting it resets logback, so it starts before the appender is attached.
        S3TestServer s3 = S3TestServer.shared();
        s3.createBucket("bucket-kept");
        Map<String, String> previous = setCredentials();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level rootLevel = root.getLevel();
        Map<String, Level> quieted = raiseAllToDebug();
        ConcurrentAppender logs = new ConcurrentAppender();
        logs.start();
        root.addAppender(logs);
        root.setLevel(Level.DEBUG);
        Vertx vertx = Vertx.vertx();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        String metrics;
        try (FakePprofServer pods = FakePprofServer.start(vertx, POD_IP);
             FakeKubelet kubelet = FakeKubelet.start(vertx, KUBELET_TOKEN);
             SinkRegistry sinks = new SinkRegistry()) {
            server.init(InetAddress.getLoopbackAddress(), 0);
            server.expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup(ProfilingConfig.GROUP)
                    .withVersion(ProfilingConfig.VERSION).withKind("ProfilingAssignment")
                    .withPlural("profilingassignments").withScope("Cluster").withStatusSubresource(true).build());
            KubernetesClient client = server.createClient(new Vertx5HttpClientFactory(vertx));
            pods.route("app", request -> request.response().end(Buffer.buffer(PprofBodies.cpuProfile(3))));
            kubelet.serve(() -> SummaryJson.node("node-a").at(Instant.now())
                    .withPod("shop", "app-1", "uid-app-1", 1_000_000, 1 << 20, Instant.now()).build());

            Path tokenFile = Files.writeString(dir.resolve("token"), KUBELET_TOKEN);
            KubeletSettings kubeletSettings = new KubeletSettings(kubelet.uri(), tokenFile, kubelet.caCertPath(), false,
                    Duration.ofSeconds(5));
            ClusterSettings settings = new ClusterSettings("node-a", "127.0.0.1", kubeletSettings, dir.resolve("spool"),
                    64L << 20, "127.0.0.1", 0, 0, Duration.ofMillis(300));
            ClusterAgent agent = ClusterAgent.start(vertx, settings, AgentKube.using(client),
                    new KubeletSummaryClient(vertx, kubeletSettings, Clock.systemUTC()), sinks, Clock.systemUTC());
            try {
                client.resources(ProfilingAssignment.class).resource(assignment("node-a",
                        List.of(s3Config("kept", s3), s3Config("lost", s3)),
                        List.of(target("shop", "app-1", POD_IP, pods.port(), "/app/debug/pprof",
                                new ArrayList<>(List.of("shop/kept", "shop/lost")))))).create();

                Await.until(Duration.ofSeconds(60), "uploads to the kept bucket and failures on the lost one",
                        () -> value(agent, "profiling_uploads_total") >= 2
                                && value(agent, "profiling_errors_total{stage=\"upload\"}") >= 1);
                Await.until(Duration.ofSeconds(30), "a threshold check through the kubelet",
                        () -> value(agent, "profiling_threshold_checks_total") >= 1);
                kubelet.acceptOnly("a-different-token");
                Await.until(Duration.ofSeconds(60), "the kubelet refusing the token, logged", () -> logs.events.stream()
                        .anyMatch(e -> String.valueOf(e.getFormattedMessage()).contains("(unauthorized)")));
                assertThat(value(agent, "profiling_errors_total{stage=\"kubelet\"}")).isGreaterThanOrEqualTo(1);
                metrics = agent.runtime().metrics().scrape();
            } finally {
                agent.close();
                client.close();
            }
        } finally {
            root.detachAppender(logs);
            root.setLevel(rootLevel);
            quieted.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
            server.destroy();
            vertx.close().toCompletionStage().toCompletableFuture().join();
            restore(previous);
        }

        List<String> secrets = new ArrayList<>();
        for (String secret : List.of(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, KUBELET_TOKEN)) {
            secrets.add(secret);
            secrets.add(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
            secrets.add(Base64.getUrlEncoder().withoutPadding().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        }
        List<String> texts = new ArrayList<>();
        for (ILoggingEvent event : logs.events) {
            texts.add(String.valueOf(event.getFormattedMessage()));
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                texts.add(t.getClassName() + ": " + t.getMessage());
            }
        }
        assertThat(logs.events).as("DEBUG logging reached the appender").hasSizeGreaterThan(50);
        assertThat(texts).as("the upload failure and the kubelet refusal were logged")
                .anyMatch(t -> t.contains("bucket-lost")).anyMatch(t -> t.contains("answered 401"));
        for (String secret : secrets) {
            assertThat(texts).as("log lines").noneMatch(t -> t != null && t.contains(secret));
            assertThat(metrics).as("metrics").doesNotContain(secret);
        }
    }

    private static AssignedConfig s3Config(String name, S3TestServer s3) {
        AssignedConfig config = config("shop", name, 2, List.of(ProfileType.HEAP));
        config.getThresholds().setCheckIntervalSeconds(1);
        config.setS3Config(new S3Config("bucket-" + name, "prof", S3TestServer.REGION, s3.endpoint().toString(), true));
        return config;
    }

    private static double value(ClusterAgent agent, String series) {
        String text = agent.runtime().metrics().scrape();
        return series.contains("{") ? Scrape.value(text, series) : Scrape.sum(text, series, "");
    }

    /** Loggers the shipped logback.xml keeps at WARN or above, opened to DEBUG; returns their levels to restore. */
    private static Map<String, Level> raiseAllToDebug() {
        Map<String, Level> levels = new HashMap<>();
        for (String name : List.of("io.netty", "io.vertx", "software.amazon", "io.fabric8")) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            levels.put(name, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
        return levels;
    }

    private static Map<String, String> setCredentials() {
        Map<String, String> previous = new HashMap<>();
        Map<String, String> wanted = Map.of("aws.accessKeyId", ACCESS_KEY, "aws.secretAccessKey", SECRET_KEY,
                "aws.sessionToken", SESSION_TOKEN);
        wanted.forEach((key, value) -> {
            previous.put(key, System.getProperty(key));
            System.setProperty(key, value);
        });
        return previous;
    }

    private static void restore(Map<String, String> previous) {
        previous.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    /** Keeps every event; safe to read while the agent's threads log (logback's ListAppender is not). */
    private static final class ConcurrentAppender extends AppenderBase<ILoggingEvent> {
        final Queue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();

        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            events.add(event);
        }
    }
}
