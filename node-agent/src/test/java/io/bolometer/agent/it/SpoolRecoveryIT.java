package io.bolometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.testing.StandaloneRig;
import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.agent.standalone.StandaloneAgent;
import io.bolometer.testing.Await;
import io.bolometer.agent.testing.GoToolchain;
import io.bolometer.testing.S3TestServer;
import io.bolometer.agent.testing.SampleApp;
import io.bolometer.agent.testing.Scrape;
import io.bolometer.agent.testing.SpoolFixtures;
import io.bolometer.agent.testing.ToggleableProxy;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Nothing taken is lost: S3 outages and a SIGKILLed agent leave profiles in the spool, and they all arrive once. */
class SpoolRecoveryIT {

    @TempDir
    Path dir;
    private SampleApp app;
    private ToggleableProxy proxy;
    private S3TestServer s3;
    private String bucket;

    @BeforeEach
    void start() {
        s3 = StandaloneRig.s3();
        app = SampleApp.start("127.0.0.41");
        proxy = ToggleableProxy.start(s3.port());
        bucket = s3.newBucket("spool");
    }

    @AfterEach
    void stop() {
        proxy.close();
        app.close();
    }

    private Path config(String name, boolean periodic) throws IOException {
        return Files.writeString(dir.resolve(name), StandaloneRig.s3Store(bucket, proxy.endpoint()) + """
                config:
                  onDemand: {enabled: %s, intervalSeconds: 10}
                  profileTypes: [heap, goroutine]
                targets:
                  - name: sample-app-7d9f8-x2x
                    labels: {app: sample-app}
                    url: %s
                """.formatted(periodic, app.baseUrl()));
    }

    private Set<String> bucketKeys() {
        return new TreeSet<>(s3.client().listObjectsV2(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList());
    }

    /** The object keys recorded beside the spooled bodies. */
    private Set<String> spooledKeys() {
        return SpoolFixtures.spooledKeys(dir.resolve("spool"));
    }

    @Test
    void keepsProfilesInTheSpoolWhileS3IsDownAndDeliversEachOnceAfterwards() throws Exception {
        proxy.refuse();
        Vertx vertx = Vertx.vertx();
        AgentRuntime agent = StandaloneAgent.start(vertx, config("agent.yaml", true), Path.of("/proc"), Clock.systemUTC());
        try {
            Await.until(Duration.ofSeconds(40), "two captures waiting in the spool", () -> agent.spool().count() >= 4);
            Await.until(Duration.ofSeconds(20), "failed uploads to be counted",
                    () -> Scrape.value(agent.metrics().scrape(), "profiling_errors_total{stage=\"upload\"}") >= 1);
            assertThat(bucketKeys()).isEmpty();

            proxy.accept();
            Await.until(Duration.ofSeconds(60), "the spool to drain after S3 is back", () -> agent.spool().count() == 0);
        } finally {
            assertThat(agent.shutdown(Duration.ofSeconds(30))).as("spool drained at shutdown").isTrue();
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        String scrape = agent.metrics().scrape();
        double captured = Scrape.sum(scrape, "profiling_captures_total", "");
        assertThat(captured).isGreaterThanOrEqualTo(4);
        assertThat(bucketKeys()).as("every captured profile stored once, under its own key").hasSize((int) captured);
        assertThat(Scrape.sum(scrape, "profiling_uploads_total", "")).isEqualTo(captured);
    }

    @Test
    void deliversWhatASigkilledAgentLeftInTheSpoolWithoutDuplicates() throws Exception {
        proxy.refuse();
        Process first = startAgentProcess(config("first.yaml", true), "first");
        Set<String> leftBehind;
        try {
            Await.until(Duration.ofSeconds(60), "two captures in the spool of the first agent", () -> spooledKeys().size() >= 4);
        } finally {
            first.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no drain
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        leftBehind = spooledKeys();
        assertThat(bucketKeys()).isEmpty();

        proxy.accept();
        Process second = startAgentProcess(config("second.yaml", false), "second");
        try {
            Await.until(Duration.ofSeconds(60), "the restarted agent to deliver the spool",
                    () -> bucketKeys().equals(leftBehind), () -> "bucket " + bucketKeys() + " vs spooled " + leftBehind);
            Await.until(Duration.ofSeconds(10), "the spool to be empty", () -> spooledKeys().isEmpty());
        } finally {
            second.toHandle().destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(bucketKeys()).isEqualTo(leftBehind);
        for (String name : List.of("first", "second")) {
            String output = Files.readString(logOf(name));
            assertThat(output).as("the packaged agent's output").contains("Profiling")
                    .doesNotContain(SECRET_KEY).doesNotContain(SESSION_TOKEN);
        }
        assertThat(leftBehind).allMatch(k -> k.matches("profiles/\\d{4}-\\d{2}-\\d{2}/sample-app/\\d{14}-sample-app-7d9f8-x2x-(heap|goroutine)(-\\d+)?\\.pprof"));
    }

    private static final String SECRET_KEY = "spool-recovery-secret-Zq8xT4";
    private static final String SESSION_TOKEN = "spool-recovery-session-Pw3rK9";

    private static Path logOf(String name) {
        return GoToolchain.repoRoot().resolve("node-agent/target/spool-recovery-" + name + ".log");
    }

    private Process startAgentProcess(Path config, String name) throws IOException {
        Path jar = GoToolchain.repoRoot().resolve("node-agent/target/bolometer-node-agent.jar");
        assertThat(jar).as("the packaged agent (mvn package runs before failsafe)").exists();
        Path log = logOf(name);
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", jar.toString(), "--standalone", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("AWS_ACCESS_KEY_ID", "test-access-key");
        // Distinctive values, so the test can tell they never reach the process's output.
        builder.environment().put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        builder.environment().put("AWS_SESSION_TOKEN", SESSION_TOKEN);
        builder.environment().put("AWS_REGION", "us-east-1");
        builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        return builder.start();
    }

}
