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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code profiling.io/capture-types}: a requested capture takes only the asked types the config profiles. */
class RequestedTypesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC);
    private static final List<ProfileType> CONFIG = List.of(ProfileType.HEAP, ProfileType.CPU, ProfileType.GOROUTINE);

    @TempDir
    Path dir;

    private final List<String> fetched = new CopyOnWriteArrayList<>();

    private ProfileCollector collector() throws Exception {
        CompletableFuture<CaptureOutcome> never = new CompletableFuture<>();
        return new ProfileCollector((base, path, type, seconds, destination) -> {
            fetched.add(base.getHost() + " " + type.wireName());
            return never;
        }, ProfileSpool.open(dir, 1 << 20), () -> { }, new KeyAllocator(), new AgentMetrics(),
                ProfileCollector.CaptureListener.NONE, CLOCK);
    }

    @Test
    void aRequestedCaptureFetchesOnlyTheAskedTypesThatTheConfigProfiles() throws Exception {
        ProfileCollector collector = collector();

        collector.start(target("10.0.0.1", List.of(ProfileType.CPU, ProfileType.MUTEX)), CaptureReason.REQUESTED,
                CLOCK.instant(), "capture token t-1");
        collector.start(target("10.0.0.2", List.of(ProfileType.CPU)), CaptureReason.THRESHOLD_EXCEEDED,
                CLOCK.instant(), null);
        collector.start(target("10.0.0.3", List.of()), CaptureReason.REQUESTED, CLOCK.instant(), "capture token t-2");

        assertThat(fetched).filteredOn(f -> f.startsWith("10.0.0.1 ")).containsExactly("10.0.0.1 cpu");
        assertThat(fetched).as("a threshold capture takes every type").filteredOn(f -> f.startsWith("10.0.0.2 "))
                .containsExactlyInAnyOrder("10.0.0.2 cpu", "10.0.0.2 heap");
        assertThat(fetched).as("no types asked: every type").filteredOn(f -> f.startsWith("10.0.0.3 "))
                .containsExactlyInAnyOrder("10.0.0.3 cpu", "10.0.0.3 heap");
    }

    private static ProfilingTarget target(String ip, List<ProfileType> requested) {
        TargetSettings settings = new TargetSettings(80, 90, Duration.ofSeconds(30), Duration.ofMinutes(5), false,
                Duration.ofSeconds(35), CONFIG, 1);
        return new ProfilingTarget("shop/hot", new PodRef("shop", "pod-" + ip), "node-a", URI.create("http://" + ip
                + ":6060"), "/debug/pprof", "checkout", Map.of(), ResourceLimits.configured(0, 0), settings,
                new StoreLocation.Directory("/unused"), "profiles", 0, "t", requested);
    }
}
