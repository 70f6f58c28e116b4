package io.bolometer.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.testing.NoUsage;
import io.bolometer.agent.capture.CaptureOutcome;
import io.bolometer.agent.metrics.AgentMetrics;
import io.bolometer.agent.spool.ProfileSpool;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.targets.TargetSettings;
import io.bolometer.agent.targets.ResourceLimits;
import io.bolometer.agent.trigger.UsageSnapshot;
import io.bolometer.agent.trigger.UsageSource;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.CaptureReason;
import io.bolometer.model.ProfileType;
import io.bolometer.testing.Await;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-shot capture token: captured once when it first shows or changes, never for the same token again. */
class TargetSchedulerIT {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:15:30Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    private ScheduledExecutorService executor;
    private TargetScheduler scheduler;
    private ProfileCollector collector;
    private AgentMetrics metrics;
    private final List<String> requested = new CopyOnWriteArrayList<>();
    /** When set, the next fetch waits for it: a capture that is still running. */
    private volatile CompletableFuture<Void> holdNextFetch;

    @BeforeEach
    void start() throws IOException {
        executor = Executors.newSingleThreadScheduledExecutor();
        ProfileSource source = (base, path, type, cpuSeconds, destination) -> {
            CompletableFuture<Void> hold = holdNextFetch;
            if (hold != null) {
                holdNextFetch = null;
                return hold.thenApply(ignored -> {
                    try {
                        Files.write(destination, new byte[] {1, 2, 3});
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return new CaptureOutcome.Captured(destination, 3, 1);
                });
            }
            try {
                Files.write(destination, new byte[] {1, 2, 3});
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
            return CompletableFuture.completedFuture(new CaptureOutcome.Captured(destination, 3, 1));
        };
        AgentMetrics metrics = new AgentMetrics();
        ProfileCollector collector = new ProfileCollector(source, ProfileSpool.open(dir, 1 << 20), () -> { },
                new KeyAllocator(), metrics, (target, reason, summary) -> {
                    if (reason == CaptureReason.REQUESTED) {
                        requested.add(target.captureToken());
                    }
                }, CLOCK);
        scheduler = new TargetScheduler(executor, CLOCK, NoUsage.failing(), collector, metrics);
        this.collector = collector;
        this.metrics = metrics;
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static ProfilingTarget target(String token) {
        return target(token, ResourceLimits.configured(0, 0));
    }

    private static ProfilingTarget target(String token, ResourceLimits limits) {
        TargetSettings settings = new TargetSettings(80, 90, Duration.ofSeconds(30), Duration.ofMinutes(5), false,
                Duration.ofSeconds(35), List.of(ProfileType.HEAP), 1);
        return new ProfilingTarget("shop/hot", new PodRef("shop", "checkout-1"), "node-a",
                URI.create("http://127.0.0.1:6060"), "/debug/pprof", "checkout", Map.of(),
                limits, settings, new StoreLocation.Directory("/unused"), "profiles", 0,
                token);
    }

    /** Applies and waits until the scheduler thread (where captures of this instant source finish) is idle. */
    private void apply(ProfilingTarget target) throws Exception {
        scheduler.apply(List.of(target));
        executor.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    @Test
    void capturesATokenOnceWhenANewTargetAlreadyCarriesIt() throws Exception {
        apply(target("t-1"));
        apply(target("t-1"));

        assertThat(requested).containsExactly("t-1");
    }

    @Test
    void capturesOnceMoreWhenTheTokenChangesAndNotWhenItIsDropped() throws Exception {
        apply(target("t-1"));
        apply(target(null));
        apply(target("t-2"));
        apply(target("t-2"));

        assertThat(requested).containsExactly("t-1", "t-2");
    }

    @Test
    void aRequestThatMeetsARunningCaptureOfThePodWaitsForItInsteadOfBeingLost() throws Exception {
        CompletableFuture<Void> firstCapture = new CompletableFuture<>();
        holdNextFetch = firstCapture;
        apply(target("t-1"));
        apply(target("t-2"));
        assertThat(requested).as("t-1 still running, t-2 waiting").isEmpty();

        firstCapture.complete(null);

        Await.until(Duration.ofSeconds(10), "the waiting request captured", () -> requested.size() == 2);
        assertThat(requested).containsExactly("t-1", "t-2");
    }

    @Test
    void capturesNothingForATargetWithoutToken() throws Exception {
        apply(target(null));

        assertThat(requested).isEmpty();
    }

    @Test
    void readsUsageSoonAfterTargetsAreAppliedNotOnlyAfterAWholeCheckInterval() throws Exception {
        java.util.concurrent.CountDownLatch sampled = new java.util.concurrent.CountDownLatch(1);
        UsageSource counting = new UsageSource() {
            @Override
            public CompletableFuture<UsageSnapshot> sample() {
                sampled.countDown();
                return NoUsage.failing().sample();
            }

            @Override
            public String describe() {
                return "counting";
            }
        };
        TargetScheduler soon = new TargetScheduler(executor, CLOCK, counting, collector, metrics);

        soon.apply(List.of(target(null, ResourceLimits.configured(1.0, 512L << 20)))); // checks every 30 s

        assertThat(sampled.await(10, TimeUnit.SECONDS)).as("first usage read within 10 s, not 30").isTrue();
        soon.close();
    }
}
