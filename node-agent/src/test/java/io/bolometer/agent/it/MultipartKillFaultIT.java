package io.bolometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.testing.StandaloneRig;
import io.bolometer.testing.Await;
import io.bolometer.agent.testing.FakePprofServer;
import io.bolometer.agent.testing.GoToolchain;
import io.bolometer.agent.testing.PprofBodies;
import io.bolometer.testing.S3TestServer;
import io.bolometer.agent.testing.SpoolFixtures;
import io.bolometer.agent.testing.ToggleableProxy;
import io.bolometer.agent.upload.S3ProfileSink;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The packaged agent is SIGKILLed while a 20 MiB profile is going up in parts through a slowed link; the restarted
 * agent aborts the multipart upload the dead one left open and stores the profile once, byte for byte.
 */
class MultipartKillFaultIT {
    private static final int BODY_BYTES = 20 * 1024 * 1024;
    /** Per connection: an 8 MiB part takes about 8 s, so the kill lands mid-upload. */
    private static final long SLOW_BYTES_PER_SECOND = 1024 * 1024;

    @TempDir
    Path dir;
    private S3TestServer s3;
    private Vertx vertx;
    private ToggleableProxy proxy;
    private FakePprofServer pod;
    private String bucket;
    private byte[] body;
    private final List<Process> processes = new java.util.ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        s3 = S3TestServer.shared();
        vertx = Vertx.vertx();
        proxy = ToggleableProxy.start(s3.port());
        bucket = s3.newBucket("multipart");
        body = PprofBodies.largeProfile(BODY_BYTES);
        assertThat((long) body.length).as("large enough for multipart").isGreaterThan(2 * S3ProfileSink.PART_SIZE);
        pod = FakePprofServer.start(vertx, "127.0.0.71").route("debug", request -> request.response()
                .putHeader("Content-Type", "application/octet-stream").end(Buffer.buffer(body)));
    }

    @AfterEach
    void stop() throws Exception {
        for (Process process : processes) {
            process.toHandle().destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        proxy.close();
        pod.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void restartAfterSigkillMidMultipartLeavesOneCompleteObjectAndNoOpenUpload() throws Exception {
        proxy.throttle(SLOW_BYTES_PER_SECOND);
        Process first = startAgent(config("first.yaml", true), "first");
        Await.until(Duration.ofSeconds(90), "a multipart upload with a part stored",
                () -> openUploads().stream().anyMatch(this::hasParts), this::state);
        first.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no abort
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Set<String> spooled = spooledKeys();
        List<MultipartUpload> orphaned = openUploads();
        assertThat(spooled).as("the profile waits in the spool").isNotEmpty();
        assertThat(orphaned).as("the killed agent left its upload open").isNotEmpty();
        assertThat(orphaned).allMatch(u -> spooled.contains(u.key()));
        assertThat(bucketObjects()).isEmpty();

        proxy.throttle(0);
        Process second = startAgent(config("second.yaml", false), "second");
        try {
            Await.until(Duration.ofSeconds(90), "the restarted agent to store the spooled profile",
                    () -> bucketKeys().equals(spooled) && spooledKeys().isEmpty(), this::state);
        } finally {
            second.toHandle().destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }

        assertThat(bucketObjects()).hasSameSizeAs(spooled);
        for (String key : spooled) {
            assertThat(s3.getObject(bucket, key).asByteArray()).as(key).isEqualTo(body);
        }
        assertThat(openUploads()).as("multipart uploads left open").isEmpty();
        String log = Files.readString(logOf("second"));
        assertThat(log).contains("Aborted the unfinished multipart upload of s3://" + bucket + "/" + orphaned.get(0).key());
        System.err.printf("Multipart kill: %d profile(s) of %d bytes spooled at the kill, %d upload(s) left open by it;"
                + " after restart %d object(s), bytes equal, open uploads %d%n", spooled.size(), body.length,
                orphaned.size(), bucketObjects().size(), openUploads().size());
    }

    private String state() {
        return "open uploads " + openUploads().stream().map(MultipartUpload::key).toList() + ", objects "
                + bucketKeys() + ", spooled " + spooledKeys();
    }

    private List<MultipartUpload> openUploads() {
        return s3.client().listMultipartUploads(r -> r.bucket(bucket)).uploads();
    }

    private boolean hasParts(MultipartUpload upload) {
        return !s3.client().listParts(r -> r.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()))
                .parts().isEmpty();
    }

    private List<S3Object> bucketObjects() {
        return s3.client().listObjectsV2(r -> r.bucket(bucket)).contents();
    }

    private Set<String> bucketKeys() {
        return new TreeSet<>(bucketObjects().stream().map(S3Object::key).toList());
    }

    private Path config(String name, boolean periodic) throws IOException {
        return Files.writeString(dir.resolve(name), StandaloneRig.s3Store(bucket, proxy.endpoint()) + """
                config:
                  onDemand: {enabled: %s, intervalSeconds: 10}
                  profileTypes: [heap]
                targets:
                  - name: big-heap-7d9f8-x2x
                    labels: {app: big-heap}
                    url: %s
                """.formatted(periodic, pod.base()));
    }

    /** The object keys recorded beside the spooled bodies. */
    private Set<String> spooledKeys() {
        return SpoolFixtures.spooledKeys(dir.resolve("spool"));
    }

    private Path logOf(String name) {
        return GoToolchain.repoRoot().resolve("node-agent/target/multipart-kill-" + name + ".log");
    }

    private Process startAgent(Path config, String name) throws IOException {
        Path jar = GoToolchain.repoRoot().resolve("node-agent/target/bolometer-node-agent.jar");
        assertThat(jar).as("the packaged agent (mvn package runs before failsafe)").exists();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString(), "--standalone", config.toString())
                .redirectErrorStream(true).redirectOutput(logOf(name).toFile());
        builder.environment().put("AWS_ACCESS_KEY_ID", "test-access-key");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "test-secret-key");
        builder.environment().put("AWS_REGION", "us-east-1");
        builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        Process process = builder.start();
        processes.add(process);
        return process;
    }
}
