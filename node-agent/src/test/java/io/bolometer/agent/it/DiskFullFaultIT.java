package io.bolometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bolometer.agent.testing.NoUsage;
import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.agent.capture.FetchLimits;
import io.bolometer.agent.capture.PprofValidator;
import io.bolometer.agent.runtime.ProfileCollector;
import io.bolometer.agent.runtime.TypeResult;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.targets.TargetSettings;
import io.bolometer.testing.Await;
import io.bolometer.agent.testing.FakePprofServer;
import io.bolometer.agent.testing.PprofBodies;
import io.bolometer.testing.S3TestServer;
import io.bolometer.agent.testing.Scrape;
import io.bolometer.agent.targets.ResourceLimits;
import io.bolometer.agent.upload.SinkRegistry;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.ProfileType;
import io.bolometer.testing.Closing;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The spool lives on a real 256 KiB tmpfs that a filler file has nearly filled: the one pod whose heap profile
 * (100 KiB) does not fit fails with a clear, once-logged "No space left" error counted as stage {@code spool},
 * everything small keeps being captured and uploaded, no partial file stays behind or reaches S3, and once the
 * filler is gone the big profile is captured too.
 */
class DiskFullFaultIT {
    private static final int BIG = 100 * 1024;
    private static final int TMPFS_KIB = 256;
    private static final int FREE_KIB = 48;

    @TempDir
    Path dir;
    private Path mount;
    private boolean mounted;
    private Vertx vertx;
    private FakePprofServer bigPod;
    private FakePprofServer smallPod;
    private SinkRegistry sinks;
    private AgentRuntime agent;
    private String bucket;
    private final Map<String, Long> capturedBytes = new ConcurrentHashMap<>();
    private final ListAppender<ILoggingEvent> collectorLog = new ListAppender<>();

    @BeforeEach
    void start() throws Exception {
        mount = Files.createDirectories(dir.resolve("tmpfs"));
        Process process = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_KIB + "k", "tmpfs",
                mount.toString()).redirectErrorStream(true).start();
        boolean exited = process.waitFor(20, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes());
        mounted = exited && process.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "SKIPPING DiskFullFaultIT: cannot mount a small tmpfs (needs root): " + output);

        vertx = Vertx.vertx();
        S3TestServer s3 = S3TestServer.shared();
        bucket = s3.newBucket("diskfull");
        sinks = new SinkRegistry(S3TestServer.CREDENTIALS);
        StoreLocation store = new StoreLocation.S3(bucket, S3TestServer.REGION, s3.endpoint().toString(), true);
        byte[] big = PprofBodies.largeProfile(BIG);
        byte[] small = PprofBodies.cpuProfile(5);
        bigPod = FakePprofServer.start(vertx, "127.0.0.61").route("debug", request -> request.response()
                .end(Buffer.buffer(request.path().endsWith("/heap") ? big : small)));
        smallPod = FakePprofServer.start(vertx, "127.0.0.62").route("debug", request -> request.response()
                .end(Buffer.buffer(small)));
        collectorLog.start();
        Logger collector = (Logger) LoggerFactory.getLogger(ProfileCollector.class);
        collector.setLevel(Level.INFO); // s3mock's silent mode turns the root logger to WARN
        collector.addAppender(collectorLog);
        agent = AgentRuntime.start(vertx,
                new AgentRuntime.Settings(mount.resolve("spool"), 64L * 1024 * 1024, "127.0.0.1", 0, 0,
                        FetchLimits.defaults()),
                NoUsage.failing(), sinks, (target, reason, summary) -> summary.results().stream()
                        .filter(TypeResult::captured).forEach(r -> capturedBytes.put(r.detail(), r.bytes())),
                Clock.systemUTC());
        agent.apply(List.of(target("big-pod", bigPod, store), target("small-pod", smallPod, store)));
    }

    private static ProfilingTarget target(String name, FakePprofServer server, StoreLocation store) {
        TargetSettings settings = new TargetSettings(80, 90, Duration.ofSeconds(30), Duration.ofMinutes(5), true,
                Duration.ofSeconds(2), List.of(ProfileType.HEAP, ProfileType.GOROUTINE), 1);
        return new ProfilingTarget("shop/disk", new PodRef("shop", name), "node-a", server.base(), "/debug/pprof",
                "checkout", Map.of(), ResourceLimits.configured(0, 0), settings, store, "profiles", 0, null);
    }

    @AfterEach
    void stop() throws Exception {
        Logger collector = (Logger) LoggerFactory.getLogger(ProfileCollector.class);
        collector.detachAppender(collectorLog);
        collector.setLevel(null);
        try {
            Closing.inOrder(agent, sinks, bigPod, smallPod);
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().join();
            }
        } finally {
            if (mounted) {
                Process umount = new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start();
                umount.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void countsAndLogsAFullSpoolDiskOnceKeepsProfilingWhatFitsAndRecoversWhenSpaceIsFreed() throws Exception {
        Path filler = mount.resolve("filler");
        Files.write(filler, new byte[(TMPFS_KIB - FREE_KIB) * 1024]);

        Await.until(Duration.ofSeconds(30), "three spool write failures",
                () -> metric("profiling_errors_total{stage=\"spool\"}") >= 3);
        double smallBefore = capturedOf("small-pod");
        Await.until(Duration.ofSeconds(30), "the small pod to be profiled twice more while the disk is full",
                () -> capturedOf("small-pod") >= smallBefore + 4);
        assertThat(capturedOf("big-pod-heap")).as("big heap captured while full").isZero();
        assertThat(capturedOf("big-pod-goroutine")).as("the big pod's other type still captured").isPositive();
        assertThat(metric("profiling_errors_total{stage=\"fetch\"}")).as("the pod is not blamed").isZero();
        List<String> lines = collectorLog.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("Cannot write profiles to the spool directory")).toList();
        assertThat(lines).as("logged once").hasSize(1);
        assertThat(lines.get(0)).contains(mount.resolve("spool").toString()).contains("No space left");

        Files.delete(filler);
        Await.until(Duration.ofSeconds(30), "the big heap profile once there is room",
                () -> capturedOf("big-pod-heap") >= 1);
        double errors = metric("profiling_errors_total{stage=\"spool\"}");
        assertThat(agent.shutdown(Duration.ofSeconds(30))).as("spool drained").isTrue();
        agent = null;

        try (Stream<Path> left = Files.list(mount.resolve("spool"))) {
            // baseline summaries (Insight) are kept on the spool volume on purpose; no profile may be left
            assertThat(left.map(p -> p.getFileName().toString()).filter(name -> !name.equals("baselines")).toList())
                    .as("nothing left in the spool").isEmpty();
        }
        List<S3Object> objects = S3TestServer.shared().client().listObjectsV2(r -> r.bucket(bucket)).contents();
        assertThat(objects.stream().map(S3Object::key).toList()).containsExactlyInAnyOrderElementsOf(capturedBytes.keySet());
        PprofValidator validator = new PprofValidator();
        for (S3Object object : objects) {
            byte[] body = S3TestServer.shared().getObject(bucket, object.key()).asByteArray();
            assertThat(validator.validate(new ByteArrayInputStream(body))).as(object.key())
                    .isInstanceOf(PprofValidator.Valid.class);
            assertThat((long) body.length).as(object.key()).isEqualTo(capturedBytes.get(object.key()));
        }
        System.err.printf("Disk full: spool write errors %.0f, objects in S3 %d (all valid, sizes as captured), big heap"
                + " profiles after space was freed %d%n", errors, objects.size(), capturedOf("big-pod-heap"));
        assertThat(collectorLog.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("Writing to the spool directory")).toList()).as("recovery logged once").hasSize(1);
    }

    private long capturedOf(String fragment) {
        return capturedBytes.keySet().stream().filter(k -> k.contains(fragment)).count();
    }

    private double metric(String series) {
        return Scrape.value(agent.metrics().scrape(), series);
    }

    /** Periodic-only targets never read usage. */
}
