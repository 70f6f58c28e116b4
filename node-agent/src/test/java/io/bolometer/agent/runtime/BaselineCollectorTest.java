package io.bolometer.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.insight.BaselineStore;
import io.bolometer.agent.insight.ProfileSummarizer;
import io.bolometer.agent.metrics.AgentMetrics;
import io.bolometer.agent.spool.ProfileSpool;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.targets.TargetSettings;
import io.bolometer.agent.targets.ResourceLimits;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.CaptureReason;
import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Baseline profiles are summarized and kept on the node, never spooled, and never overlap a capture of the pod. */
class BaselineCollectorTest {

    private static final PodRef POD = new PodRef("shop", "checkout-1");
    private static final Instant NOW = Instant.parse("2026-11-25T12:03:10Z");

    @TempDir
    Path dir;
    private final List<String> fetched = new CopyOnWriteArrayList<>();
    private ProfileSpool spool;
    private BaselineStore store;
    private ProfileCollector collector;
    private BaselineCollector baselines;
    private CompletableFuture<Void> holdFetches = CompletableFuture.completedFuture(null);

    @BeforeEach
    void setUp() throws IOException {
        spool = ProfileSpool.open(dir.resolve("spool"), 1 << 24);
        store = BaselineStore.open(dir.resolve("spool/baselines"), 16, 1 << 20);
        ProfileInsights insights = new ProfileInsights(new ProfileSummarizer(), store);
        ProfileSource fixture = (base, path, type, seconds, destination) -> {
            fetched.add(type.wireName() + (type == ProfileType.CPU ? "?seconds=" + seconds : ""));
            return holdFetches.thenApply(ignored -> FixtureProfiles.copy(type, destination));
        };
        collector = new ProfileCollector(fixture, spool, () -> { }, new KeyAllocator(), new AgentMetrics(),
                ProfileCollector.CaptureListener.NONE, Clock.fixed(NOW, ZoneOffset.UTC), insights, Runnable::run);
        baselines = new BaselineCollector(fixture, dir.resolve("spool/baselines"), insights, collector, Runnable::run);
    }

    @Test
    void keepsAOneSecondCpuAndAHeapSummaryAsThePodsBaselineWithoutSpoolingAnything() throws Exception {
        boolean taken = baselines.start(target(), NOW).get(10, TimeUnit.SECONDS);

        assertThat(taken).isTrue();
        assertThat(fetched).containsExactly("cpu?seconds=1", "heap");
        assertThat(store.latest(POD, ProfileType.CPU)).get().satisfies(b -> {
            assertThat(b.key()).isEqualTo("local:shop/checkout-1/cpu@2026-11-25T12:03:10Z");
            assertThat(b.time()).isEqualTo(NOW);
        });
        assertThat(store.latest(POD, ProfileType.HEAP)).isPresent();
        assertThat(spool.count()).isZero();
        try (Stream<Path> files = Files.list(dir.resolve("spool/baselines"))) {
            assertThat(files.map(p -> p.getFileName().toString())).allMatch(n -> n.endsWith(".baseline.json"))
                    .hasSize(2);
        }
    }

    @Test
    void skipsTheRoundWhileAnotherCaptureOfThePodRunsAndHoldsOffCapturesWhileItRuns() throws Exception {
        holdFetches = new CompletableFuture<>();
        CompletableFuture<CaptureSummary> capture = collector.start(target(), CaptureReason.REQUESTED, NOW, "token 1")
                .orElseThrow();

        assertThat(baselines.start(target(), NOW).get(10, TimeUnit.SECONDS)).isFalse();
        holdFetches.complete(null);
        capture.get(10, TimeUnit.SECONDS);
        holdFetches = new CompletableFuture<>();
        CompletableFuture<Boolean> baseline = baselines.start(target(), NOW);
        assertThat(collector.start(target(), CaptureReason.ON_DEMAND, NOW, null)).as("the pod is busy").isEmpty();
        holdFetches.complete(null);

        assertThat(baseline.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(store.latest(POD, ProfileType.CPU)).get()
                .satisfies(b -> assertThat(b.key()).startsWith("local:"));
    }

    private static ProfilingTarget target() {
        TargetSettings settings = new TargetSettings(80, 90, Duration.ofSeconds(30), Duration.ofMinutes(5), false,
                Duration.ofSeconds(35), List.of(ProfileType.HEAP, ProfileType.CPU, ProfileType.GOROUTINE), 10, true,
                Duration.ofMinutes(60));
        return new ProfilingTarget("shop/hot", POD, "node-a", URI.create("http://127.0.0.1:6060"), "/debug/pprof",
                "checkout", Map.of(), ResourceLimits.configured(1, 0), settings,
                new StoreLocation.Directory("/profiles"), "profiles", 0, null);
    }
}
