package io.bolometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.targets.TargetSettings;
import io.bolometer.testing.Await;
import io.bolometer.testing.FakeKubelet;
import io.bolometer.agent.testing.KubeletAgent;
import io.bolometer.agent.testing.SampleApp;
import io.bolometer.agent.testing.Scrape;
import io.bolometer.testing.SummaryJson;
import io.bolometer.agent.targets.ResourceLimits;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.ProfileType;
import io.bolometer.testing.Closing;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster-mode path without a cluster: usage from a fake kubelet over TLS with a bearer token, a real Go app
 * playing the pod on a loopback "pod IP", profiles stored in a directory.
 */
class KubeletTriggeredCaptureIT {
    private static final String TOKEN = "kubelet-bearer-token-for-tests";
    private static final PodRef POD = new PodRef("shop", "checkout-7d9f8c6b5-x2x4q");
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;
    private Vertx vertx;
    private FakeKubelet kubelet;
    private SampleApp app;
    private AgentRuntime agent;
    private final AtomicLong cpuMillicores = new AtomicLong(100);
    private final AtomicLong workingSet = new AtomicLong(64 * MIB);
    private long cpuNanos;
    private Instant lastRead;

    @BeforeEach
    void start() throws IOException {
        vertx = Vertx.vertx();
        kubelet = FakeKubelet.start(vertx, TOKEN).serve(this::summary);
        app = SampleApp.start("127.0.0.21");
        agent = KubeletAgent.start(vertx, dir, kubelet, TOKEN, 64 * MIB);
    }

    @AfterEach
    void stop() throws Exception {
        Closing.inOrder(agent, app, kubelet);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** Cumulative CPU advances at the configured rate between reads, as a kubelet's counters would. */
    private synchronized String summary() {
        Instant now = Instant.now();
        if (lastRead != null) {
            cpuNanos += Duration.between(lastRead, now).toNanos() * cpuMillicores.get() / 1000;
        }
        lastRead = now;
        return SummaryJson.node("node-a").at(now)
                .withPod(POD.namespace(), POD.name(), "uid-1", cpuNanos, workingSet.get(), now).build();
    }

    private ProfilingTarget target(Duration cooldown) {
        TargetSettings settings = new TargetSettings(80, 90, Duration.ofSeconds(1), cooldown, false,
                Duration.ofSeconds(35), List.of(ProfileType.HEAP, ProfileType.GOROUTINE), 1);
        return new ProfilingTarget("shop/hot-pods", POD, "node-a", app.baseUrl(), "/debug/pprof", "checkout",
                Map.of("app", "checkout"), ResourceLimits.resolve(0.5, 0.1, 4, 512 * MIB, 0, 0), settings,
                new StoreLocation.Directory(dir.resolve("store").toString()), "profiles", 0, null);
    }

    private double metric(String series) {
        return Scrape.value(agent.metrics().scrape(), series);
    }

    private List<Path> stored() {
        Path store = dir.resolve("store");
        if (!Files.isDirectory(store)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(store)) {
            return files.filter(p -> p.toString().endsWith(".pprof")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void capturesOnceWhenCpuCrossesItsThresholdAndNotAgainWithinTheCooldown() throws IOException {
        agent.apply(List.of(target(Duration.ofMinutes(5))));
        Await.until(Duration.ofSeconds(20), "three checks while the pod is cool",
                () -> metric("profiling_threshold_checks_total") >= 3);
        assertThat(stored()).isEmpty();

        cpuMillicores.set(450); // 90 % of the 0.5-core limit
        Await.until(Duration.ofSeconds(30), "heap and goroutine profiles in the store", () -> stored().size() == 2);
        double checksAtCapture = metric("profiling_threshold_checks_total");
        Await.until(Duration.ofSeconds(20), "three more checks while still hot",
                () -> metric("profiling_threshold_checks_total") >= checksAtCapture + 3);

        assertThat(stored()).hasSize(2);
        assertThat(stored()).allSatisfy(p -> assertThat(p.toString())
                .matches(".*/store/profiles/\\d{4}-\\d{2}-\\d{2}/checkout/\\d{14}-checkout-7d9f8c6b5-x2x4q-(heap|goroutine)\\.pprof"));
        JsonNode meta = new ObjectMapper().readTree(Path.of(stored().get(0) + ".json").toFile());
        assertThat(meta.toString()).contains("\"reason\":\"threshold-exceeded\"").contains("\"pod-namespace\":\"shop\"")
                .contains("\"node\":\"node-a\"").contains("\"label-app\":\"checkout\"");
        assertThat(metric("profiling_threshold_violations_total{resource=\"cpu\"}")).isGreaterThanOrEqualTo(4);
        assertThat(metric("profiling_captures_total{profile_type=\"heap\",reason=\"threshold-exceeded\"}")).isEqualTo(1);
        assertThat(metric("profiling_errors_total{stage=\"kubelet\"}")).isZero();
        assertThat(kubelet.lastQuery()).contains("only_cpu_and_memory=true");
    }

    @Test
    void capturesWhenMemoryCrossesItsThresholdOfTheLimit() {
        agent.apply(List.of(target(Duration.ofMinutes(5))));
        workingSet.set(480 * MIB); // 94 % of 512 MiB

        Await.until(Duration.ofSeconds(30), "profiles after the memory threshold", () -> stored().size() == 2);

        assertThat(metric("profiling_threshold_violations_total{resource=\"memory\"}")).isGreaterThanOrEqualTo(1);
        assertThat(metric("profiling_threshold_violations_total{resource=\"cpu\"}")).isZero();
    }

    @Test
    void pausesChecksWithAMetricWhileTheKubeletRefusesTheTokenAndResumesAfter() {
        agent.apply(List.of(target(Duration.ofMinutes(5))));
        kubelet.acceptOnly("some-other-token");

        Await.until(Duration.ofSeconds(20), "kubelet errors to be counted",
                () -> metric("profiling_errors_total{stage=\"kubelet\"}") >= 2 && metric("profiling_usage_source_up") == 0);
        cpuMillicores.set(450);
        double checksWhileDown = metric("profiling_threshold_checks_total");
        assertThat(stored()).isEmpty();

        kubelet.acceptOnly(TOKEN);
        Await.until(Duration.ofSeconds(30), "a capture once the kubelet answers again", () -> stored().size() == 2);
        assertThat(metric("profiling_usage_source_up")).isEqualTo(1);
        assertThat(metric("profiling_threshold_checks_total")).isGreaterThan(checksWhileDown);
    }

    @Test
    void survivesGarbageFromTheKubeletAndAKubeletThatIsDown() {
        agent.apply(List.of(target(Duration.ofMinutes(5))));
        kubelet.answerWithGarbage();
        Await.until(Duration.ofSeconds(20), "bad responses to be counted",
                () -> metric("profiling_errors_total{stage=\"kubelet\"}") >= 2);
        kubelet.stop();
        double before = metric("profiling_errors_total{stage=\"kubelet\"}");
        Await.until(Duration.ofSeconds(20), "unreachable kubelet to be counted",
                () -> metric("profiling_errors_total{stage=\"kubelet\"}") >= before + 2);

        assertThat(metric("profiling_usage_source_up")).isZero();
        assertThat(stored()).isEmpty();
    }
}
