package io.bolometer.agent.runtime;

import io.bolometer.agent.capture.FetchLimits;
import io.bolometer.agent.capture.PprofValidator;
import io.bolometer.agent.capture.ProfileCapturer;
import io.bolometer.agent.capture.ProfileFetcher;
import io.bolometer.agent.http.HealthAndMetricsServer;
import io.bolometer.agent.http.Heartbeats;
import io.bolometer.agent.metrics.AgentMetrics;
import io.bolometer.agent.metrics.CauseLog;
import io.bolometer.agent.spool.ProfileSpool;
import io.bolometer.agent.spool.SpooledProfile;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.trigger.UsageSource;
import io.bolometer.agent.upload.Backoff;
import io.bolometer.agent.upload.ProfileSink;
import io.bolometer.agent.upload.SpoolUploader;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.agent.upload.UploadListener;
import io.bolometer.model.ProfileType;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent, the same in cluster and standalone mode: spool → uploader, collector, scheduler, metrics
 * and health endpoints. A mode only feeds it targets and tells it where usage comes from.
 */
public final class AgentRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);
    private static final String BUDGET = "spool-budget";

    /** What a mode decides; everything else is the same for both. */
    public record Settings(Path spoolDir, long spoolMaxBytes, String bindHost, int metricsPort, int healthPort,
                           FetchLimits fetchLimits) {
    }

    private final Clock clock;
    private final AgentMetrics metrics;
    private final ProfileSpool spool;
    private final SpoolUploader uploader;
    private final ProfileCollector collector;
    private final TargetScheduler scheduler;
    private final ScheduledExecutorService executor;
    private final HealthAndMetricsServer http;
    private final UsageSource usage;
    private final ProfileFetcher fetcher;
    private final ExecutorService settling;
    private final Heartbeats heartbeats;
    private volatile boolean ready;

    private AgentRuntime(Vertx vertx, Clock clock, AgentMetrics metrics, ProfileSpool spool, SpoolUploader uploader,
                         ProfileCollector collector, TargetScheduler scheduler, ScheduledExecutorService executor,
                         UsageSource usage, ProfileFetcher fetcher, ExecutorService settling) {
        this.settling = settling;
        this.clock = clock;
        this.metrics = metrics;
        this.spool = spool;
        this.uploader = uploader;
        this.collector = collector;
        this.scheduler = scheduler;
        this.executor = executor;
        this.usage = usage;
        this.fetcher = fetcher;
        this.heartbeats = Heartbeats.start(vertx, executor, Heartbeats.EVERY, Heartbeats.STUCK_AFTER);
        this.http = new HealthAndMetricsServer(vertx, metrics::scrape, this::problems, () -> ready);
    }

    /** Opens the spool, starts re-sending what a previous run left, and serves metrics and health. */
    public static AgentRuntime start(Vertx vertx, Settings settings, UsageSource usage,
                                     Function<StoreLocation, ProfileSink> sinks,
                                     ProfileCollector.CaptureListener listener, Clock clock) throws IOException {
        return start(vertx, settings, usage, sinks, listener, UploadListener.NONE, clock);
    }

    /** As above, and tells {@code uploads} how each upload ended (cluster mode counts them per config). */
    public static AgentRuntime start(Vertx vertx, Settings settings, UsageSource usage,
                                     Function<StoreLocation, ProfileSink> sinks,
                                     ProfileCollector.CaptureListener listener, UploadListener uploads,
                                     Clock clock) throws IOException {
        AgentMetrics metrics = new AgentMetrics();
        ProfileSpool spool = ProfileSpool.open(settings.spoolDir(), settings.spoolMaxBytes());
        CauseLog budgetLog = new CauseLog(LOG);
        spool.onDrop((dropped, incomingBytes, maxBytes) -> {
            metrics.spoolDropped(ProfileType.fromWireName(dropped.record().metadata().get("profile-type")),
                    dropped.sizeBytes());
            budgetLog.failure(BUDGET, "over-budget", "Spool " + spool.directory() + " is over its budget of "
                    + maxBytes + " bytes (SPOOL_MAX_BYTES, standalone spoolMaxBytes): dropping the oldest profiles "
                    + "not being uploaded to make room for new ones, first " + dropped.record().objectKey()
                    + "; profiling_spool_dropped_total counts them");
        });
        metrics.gauge("profiling.spool.profiles", "Profiles waiting in the local spool for upload", spool::count);
        metrics.gauge("profiling.spool.bytes", "Bytes waiting in the local spool for upload", spool::bytes);
        Runnable afterUpload = () -> {
            if (spool.bytes() <= spool.maxBytes() / 2) {
                budgetLog.success(BUDGET, "Spool " + spool.directory() + " is back under half its budget");
            }
        };
        SpoolUploader uploader = new SpoolUploader(spool, sinks, uploadListener(metrics, uploads, afterUpload), clock,
                Backoff.DEFAULT);
        KeyAllocator keys = new KeyAllocator();
        keys.reserveAll(spool.pending().stream().map(p -> p.record().objectKey()).toList(), clock.instant());
        ProfileFetcher fetcher = new ProfileFetcher(vertx, settings.fetchLimits());
        ProfileCapturer capturer = new ProfileCapturer(vertx, fetcher,
                new PprofValidator(settings.fetchLimits().maxDecompressedBytes()));
        // the spool ignores subdirectories; summarizing is CPU-bound, so one thread keeps it off the event loop
        ProfileInsights insights = ProfileInsights.open(settings.spoolDir().resolve("baselines"),
                settings.fetchLimits().maxDecompressedBytes());
        ExecutorService settling = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bolometer-insight");
            thread.setDaemon(true);
            return thread;
        });
        ProfileCollector collector = new ProfileCollector(ProfileSource.of(capturer), spool, uploader::wake, keys,
                metrics, listener, clock, insights, settling);
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bolometer-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        BaselineCollector baselines = new BaselineCollector(capturer::capture, settings.spoolDir().resolve("baselines"),
                insights, collector, settling);
        TargetScheduler scheduler = new TargetScheduler(executor, clock, usage, collector, baselines, metrics);
        AgentRuntime runtime = new AgentRuntime(vertx, clock, metrics, spool, uploader, collector, scheduler,
                executor, usage, fetcher, settling);
        uploader.start();
        try {
            runtime.http.start(settings.bindHost(), settings.metricsPort(), settings.healthPort());
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        return runtime;
    }

    private static UploadListener uploadListener(AgentMetrics metrics, UploadListener next, Runnable afterUpload) {
        return new UploadListener() {
            @Override
            public void uploaded(SpooledProfile profile, Duration took) {
                uploaded(profile, profile.record().objectKey(), took);
            }

            @Override
            public void uploaded(SpooledProfile profile, String storedKey, Duration took) {
                String type = profile.record().metadata().get("profile-type");
                metrics.uploaded(ProfileType.fromWireName(type), took);
                afterUpload.run();
                next.uploaded(profile, storedKey, took);
            }

            @Override
            public void failed(SpooledProfile profile, Throwable cause, int attempt) {
                metrics.error("upload");
                next.failed(profile, cause, attempt);
            }

            @Override
            public void abandoned(SpooledProfile profile, Throwable cause, int attempts) {
                metrics.uploadAbandoned();
                next.abandoned(profile, cause, attempts);
            }
        };
    }

    /** Why the agent is wedged, for {@code /healthz}: empty when it is healthy. */
    public List<String> problems() {
        if (executor.isShutdown()) {
            return List.of("the scheduler has stopped");
        }
        return heartbeats.problems();
    }

    /** Replaces the targets; the first call also marks the agent ready. */
    public void apply(Collection<ProfilingTarget> targets) {
        scheduler.apply(targets);
        ready = true;
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    public int metricsPort() {
        return http.metricsPort();
    }

    public int healthPort() {
        return http.healthPort();
    }

    public ProfileSpool spool() {
        return spool;
    }

    /**
     * Stops taking new captures, lets running ones finish and drains the spool, all within {@code grace}.
     * What is not uploaded by then stays in the spool for the next run.
     *
     * @return true when the spool was empty at the end
     */
    public boolean shutdown(Duration grace) {
        Instant deadline = clock.instant().plus(grace);
        ready = false;
        collector.stopAccepting();
        scheduler.close();
        try {
            while (collector.inProgress() > 0 && clock.instant().isBefore(deadline)) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            Duration left = Duration.between(clock.instant(), deadline);
            boolean drained = uploader.drain(left.isNegative() ? Duration.ZERO : left)
                    .get(Math.max(1, left.toMillis() + 1000), TimeUnit.MILLISECONDS);
            if (drained) {
                LOG.info("Shut down with an empty spool");
            } else {
                LOG.warn("Shut down with {} profiles still in the spool; the next run uploads them", spool.count());
            }
            return drained;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.warn("Shut down before the spool drained: {}", e.getMessage());
            return false;
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        ready = false;
        heartbeats.close();
        executor.shutdownNow();
        settling.shutdownNow();
        uploader.close();
        usage.close();
        fetcher.close();
        http.close();
    }
}
