package io.bolometer.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bolometer.agent.insight.BaselineStore;
import io.bolometer.agent.insight.ProfileSummarizer;
import io.bolometer.agent.insight.TriggerEvidence;
import io.bolometer.agent.metrics.AgentMetrics;
import io.bolometer.agent.spool.ProfileSpool;
import io.bolometer.agent.spool.SpoolRecord;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.targets.TargetSettings;
import io.bolometer.testing.MutableClock;
import io.bolometer.agent.targets.ResourceLimits;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.CaptureReason;
import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector summarizes each profile, stores evidence and top function with it, and keeps periodic baselines. */
class ProfileCollectorInsightTest {

    private static final PodRef POD = new PodRef("shop", "checkout-1");
    private static final TriggerEvidence CPU_HOT =
            new TriggerEvidence(TriggerEvidence.Resource.CPU, 93.4, 80, TriggerEvidence.Basis.LIMIT);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:03:10Z"));

    @TempDir
    Path dir;
    private ProfileSpool spool;
    private BaselineStore baselines;
    private ProfileCollector collector;

    @BeforeEach
    void setUp() throws IOException {
        spool = ProfileSpool.open(dir.resolve("spool"), 1 << 24);
        baselines = BaselineStore.open(dir.resolve("spool/baselines"), 16, 1 << 20);
        ProfileSource fixture = (base, path, type, seconds, destination) ->
                CompletableFuture.completedFuture(FixtureProfiles.copy(type, destination));
        collector = new ProfileCollector(fixture, spool, () -> { }, new KeyAllocator(), new AgentMetrics(),
                ProfileCollector.CaptureListener.NONE, clock, new ProfileInsights(new ProfileSummarizer(), baselines),
                Runnable::run);
    }

    @Test
    void storesTheTopFunctionWithAPeriodicProfileAndKeepsItAsTheBaseline() throws Exception {
        CaptureSummary periodic = capture(directoryTarget(), CaptureReason.ON_DEMAND, null);

        SpoolRecord record = only(spool.pending().stream().map(p -> p.record()).toList());
        assertThat(record.metadata()).containsEntry("top-function", "crypto/sha256.block")
                .doesNotContainKeys("trigger-resource", "trigger-percent");
        assertThat(record.summary().get("baseline").isNull()).as("no baseline yet: %s", record.summary()).isTrue();
        assertThat(record.summary().get("trigger").isNull()).isTrue();
        assertThat(baselines.latest(POD, ProfileType.CPU)).get()
                .satisfies(b -> assertThat(b.key()).isEqualTo(periodic.results().get(0).detail()));
    }

    @Test
    void comparesAThresholdCaptureWithThePeriodicBaselineWithoutReplacingIt() throws Exception {
        String periodicKey = capture(directoryTarget(), CaptureReason.ON_DEMAND, null).results().get(0).detail();
        clock.advance(Duration.ofMinutes(2));

        CaptureSummary hot = capture(directoryTarget(), CaptureReason.THRESHOLD_EXCEEDED, CPU_HOT);

        String hotKey = hot.results().get(0).detail();
        SpoolRecord record = spool.pending().stream().map(p -> p.record())
                .filter(r -> r.objectKey().equals(hotKey)).findFirst().orElseThrow();
        assertThat(record.metadata()).containsEntry("trigger-resource", "cpu").containsEntry("trigger-percent", "93.4")
                .containsEntry("trigger-threshold-percent", "80").containsEntry("trigger-basis", "limit")
                .containsEntry("top-function", "crypto/sha256.block").containsKey("top-percent");
        JsonNode document = record.summary();
        assertThat(document.get("baseline").get("key").asText()).isEqualTo(periodicKey);
        assertThat(document.get("baseline").get("time").asText()).isEqualTo("2026-11-25T12:03:10Z");
        assertThat(document.get("trigger").get("resource").asText()).isEqualTo("cpu");
        assertThat(document.get("top").size()).isGreaterThanOrEqualTo(1);
        assertThat(hot.results().get(0).insight().describe()).startsWith("top ").contains("vs 12:03:10");
        assertThat(record.grew()).as("the grew line for the assignment status").endsWith(" vs 12:03")
                .isEqualTo(hot.results().get(0).insight().grewLine());
        assertThat(baselines.latest(POD, ProfileType.CPU)).get()
                .satisfies(b -> assertThat(b.key()).as("still the periodic one").isEqualTo(periodicKey));
    }

    @Test
    void keepsNoSummaryDocumentForS3StoresButStillTheMetadata() throws Exception {
        capture(target(new StoreLocation.S3("bucket", "us-east-1", null, false)), CaptureReason.THRESHOLD_EXCEEDED,
                CPU_HOT);

        SpoolRecord record = only(spool.pending().stream().map(p -> p.record()).toList());
        assertThat(record.summary()).isNull();
        assertThat(record.grew()).as("the grew line travels for every store").isEqualTo("no baseline");
        assertThat(record.metadata()).containsEntry("trigger-resource", "cpu").containsEntry("top-function",
                "crypto/sha256.block");
    }

    private CaptureSummary capture(ProfilingTarget target, CaptureReason reason, TriggerEvidence evidence)
            throws Exception {
        CaptureSummary summary = collector.start(target, reason, clock.instant(), null, evidence).orElseThrow()
                .get(10, TimeUnit.SECONDS);
        assertThat(summary.capturedCount()).as("%s", summary).isEqualTo(1);
        return summary;
    }

    private static ProfilingTarget directoryTarget() {
        return target(new StoreLocation.Directory("/profiles"));
    }

    private static ProfilingTarget target(StoreLocation store) {
        TargetSettings settings = new TargetSettings(80, 90, Duration.ofSeconds(30), Duration.ofMinutes(5), false,
                Duration.ofSeconds(35), List.of(ProfileType.CPU), 1);
        return new ProfilingTarget("shop/hot", POD, "node-a", URI.create("http://127.0.0.1:6060"), "/debug/pprof",
                "checkout", Map.of(), ResourceLimits.configured(1, 0), settings, store, "profiles", 0, null);
    }

    private static <T> T only(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }
}
