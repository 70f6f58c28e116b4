package io.bolometer.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.capture.CaptureOutcome;
import io.bolometer.agent.metrics.AgentMetrics;
import io.bolometer.agent.spool.ProfileSpool;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.targets.TargetSettings;
import io.bolometer.agent.targets.ResourceLimits;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.CaptureReason;
import io.bolometer.model.ProfileType;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14 item 4: a node-wide cap on captures running at once, whatever the number of pods. */
class CaptureCapTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void skipsCapturesBeyondTheNodesCapAsCaptureInProgress() throws Exception {
        CompletableFuture<CaptureOutcome> never = new CompletableFuture<>();
        AgentMetrics metrics = new AgentMetrics();
        ProfileCollector collector = new ProfileCollector((base, path, type, seconds, destination) -> never,
                ProfileSpool.open(dir, 1 << 20), () -> { }, new KeyAllocator(), metrics,
                ProfileCollector.CaptureListener.NONE, CLOCK, 3);

        List<Boolean> started = java.util.stream.IntStream.range(0, 5).mapToObj(i -> collector.start(target("pod-" + i),
                CaptureReason.ON_DEMAND, CLOCK.instant(), "periodic").isPresent()).toList();

        assertThat(started).containsExactly(true, true, true, false, false);
        assertThat(collector.inProgress()).isEqualTo(3);
        assertThat(collector.atCapacity()).as("a requested capture waits for a free slot").isTrue();
        assertThat(metrics.scrape()).contains("profiling_captures_skipped_total{reason=\"capture-in-progress\"} 2.0");
    }

    private static ProfilingTarget target(String pod) {
        TargetSettings settings = new TargetSettings(80, 90, Duration.ofSeconds(30), Duration.ofMinutes(5), false,
                Duration.ofSeconds(35), List.of(ProfileType.HEAP), 1);
        return new ProfilingTarget("shop/hot", new PodRef("shop", pod), "node-a", URI.create("http://10.0.0.9:6060"),
                "/debug/pprof", "checkout", Map.of(), ResourceLimits.configured(0, 0), settings,
                new StoreLocation.Directory("/unused"), "profiles", 0, null);
    }
}
