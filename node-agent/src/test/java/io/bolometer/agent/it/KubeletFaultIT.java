package io.bolometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.targets.TargetSettings;
import io.bolometer.testing.Await;
import io.bolometer.testing.FakeKubelet;
import io.bolometer.agent.testing.KubeletAgent;
import io.bolometer.agent.testing.FakePprofServer;
import io.bolometer.agent.testing.PprofBodies;
import io.bolometer.agent.testing.Scrape;
import io.bolometer.testing.SummaryJson;
import io.bolometer.agent.testing.ToggleableProxy;
import io.bolometer.agent.targets.ResourceLimits;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.CaptureReason;
import io.bolometer.model.ProfileType;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet goes away, then answers too slowly, then recovers, while a hot pod also has periodic captures on:
 * threshold checks pause (errors counted, {@code profiling_usage_source_up} 0) but periodic captures keep coming,
 * and threshold captures resume once the kubelet answers in time again.
 */
class KubeletFaultIT {
    private static final String TOKEN = "kubelet-fault-token";
    private static final PodRef POD = new PodRef("shop", "checkout-7d9f8c6b5-fault");
    private static final long MIB = 1024 * 1024;
    /** The agent's kubelet request timeout; the slow kubelet answers well after it. */
    private static final Duration KUBELET_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    Path dir;
    private Vertx vertx;
    private FakeKubelet kubelet;
    private ToggleableProxy proxy;
    private FakePprofServer pod;
    private AgentRuntime agent;
    private final List<Capture> captures = new CopyOnWriteArrayList<>();
    private long cpuNanos;
    private Instant lastRead;

    private record Capture(CaptureReason reason, Instant at) {
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        kubelet = FakeKubelet.start(vertx, TOKEN).serve(this::summary);
        proxy = ToggleableProxy.start(kubelet.uri().getPort());
        byte[] body = PprofBodies.cpuProfile(3);
        pod = FakePprofServer.start(vertx, "127.0.0.51").route("debug", request -> request.response()
                .putHeader("Content-Type", "application/octet-stream").end(Buffer.buffer(body)));
        agent = KubeletAgent.start(vertx, dir, kubelet, URI.create("https://127.0.0.1:" + proxy.port()), TOKEN,
                KUBELET_TIMEOUT, 64 * MIB, (target, reason, summary) -> {
                    if (summary.capturedCount() > 0) {
                        captures.add(new Capture(reason, Instant.now()));
                    }
                });
        TargetSettings settings = new TargetSettings(80, 90, Duration.ofSeconds(1), Duration.ofSeconds(2), true,
                Duration.ofSeconds(2), List.of(ProfileType.GOROUTINE), 1);
        agent.apply(List.of(new ProfilingTarget("shop/hot-pods", POD, "node-a", pod.base(), "/debug/pprof",
                "checkout", Map.of("app", "checkout"), ResourceLimits.resolve(0.5, 0.1, 4, 512 * MIB, 0, 0),
                settings, new StoreLocation.Directory(dir.resolve("store").toString()), "profiles", 0, null)));
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        proxy.close();
        pod.close();
        kubelet.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** The pod burns 90 % of its 0.5-core limit the whole time: every answered check is hot. */
    private synchronized String summary() {
        Instant now = Instant.now();
        if (lastRead != null) {
            cpuNanos += Duration.between(lastRead, now).toNanos() * 450 / 1000;
        }
        lastRead = now;
        return SummaryJson.node("node-a").at(now)
                .withPod(POD.namespace(), POD.name(), "uid-1", cpuNanos, 64 * MIB, now).build();
    }

    @Test
    void keepsPeriodicCapturesGoingAndPausesThresholdChecksWhileTheKubeletIsDownOrSlow() {
        Await.until(Duration.ofSeconds(30), "a threshold capture and a periodic one while the kubelet answers",
                () -> count(CaptureReason.THRESHOLD_EXCEEDED, Instant.MIN) >= 1 && count(CaptureReason.ON_DEMAND, Instant.MIN) >= 1);
        assertThat(metric("profiling_usage_source_up")).isEqualTo(1);

        proxy.refuse();
        Instant down = pausedSince("the kubelet refusing connections");
        Await.until(Duration.ofSeconds(30), "two periodic captures while the kubelet is unreachable",
                () -> count(CaptureReason.ON_DEMAND, down) >= 2);
        assertThat(metric("profiling_usage_source_up")).as("gauge while unreachable").isZero();
        assertThat(count(CaptureReason.THRESHOLD_EXCEEDED, down)).as("threshold captures while unreachable").isZero();

        kubelet.delayAnswers(KUBELET_TIMEOUT.multipliedBy(3));
        proxy.accept();
        double errorsBeforeSlow = metric("profiling_errors_total{stage=\"kubelet\"}");
        Await.until(Duration.ofSeconds(30), "timed-out kubelet reads to be counted",
                () -> metric("profiling_errors_total{stage=\"kubelet\"}") >= errorsBeforeSlow + 2);
        Instant slow = Instant.now();
        Await.until(Duration.ofSeconds(30), "two periodic captures while the kubelet is slow",
                () -> count(CaptureReason.ON_DEMAND, slow) >= 2);
        assertThat(metric("profiling_usage_source_up")).as("gauge while slow").isZero();
        assertThat(count(CaptureReason.THRESHOLD_EXCEEDED, down)).as("threshold captures while down or slow").isZero();
        assertThat(kubelet.summaryRequestCount()).as("the slow kubelet was asked").isPositive();

        kubelet.delayAnswers(Duration.ZERO);
        Instant recovered = Instant.now();
        Await.until(Duration.ofSeconds(30), "a threshold capture once the kubelet answers in time",
                () -> count(CaptureReason.THRESHOLD_EXCEEDED, recovered) >= 1);
        // A read that started while the kubelet was slow may still time out after the first good one and set the
        // gauge to 0 for one check; what must hold is that it comes back up.
        Await.until(Duration.ofSeconds(30), "the usage source to read up again after recovery",
                () -> metric("profiling_usage_source_up") == 1);
        System.err.printf("Kubelet fault: periodic captures while down %d, while slow %d; threshold captures while"
                        + " down or slow %d; kubelet errors %.0f%n", count(CaptureReason.ON_DEMAND, down)
                        - count(CaptureReason.ON_DEMAND, slow), count(CaptureReason.ON_DEMAND, slow),
                captures.stream().filter(c -> c.reason() == CaptureReason.THRESHOLD_EXCEEDED
                        && c.at().isAfter(down) && c.at().isBefore(recovered)).count(),
                metric("profiling_errors_total{stage=\"kubelet\"}"));
    }

    /**
     * Waits until the checks are seen paused (gauge 0) and one more failed read is counted after that, so no
     * read that was already answered can still start a threshold capture; returns that moment.
     */
    private Instant pausedSince(String why) {
        Await.until(Duration.ofSeconds(20), "the usage source to read down after " + why,
                () -> metric("profiling_usage_source_up") == 0);
        double errors = metric("profiling_errors_total{stage=\"kubelet\"}");
        Await.until(Duration.ofSeconds(20), "one more failed read after " + why,
                () -> metric("profiling_errors_total{stage=\"kubelet\"}") > errors);
        return Instant.now();
    }

    private long count(CaptureReason reason, Instant after) {
        return captures.stream().filter(c -> c.reason() == reason && c.at().isAfter(after)).count();
    }

    private double metric(String series) {
        return Scrape.value(agent.metrics().scrape(), series);
    }
}
