package io.bolometer.agent.cluster;

import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.agent.kube.AgentKube;
import io.bolometer.agent.kube.AssignmentWatch;
import io.bolometer.agent.kube.StatusPatchWriter;
import io.bolometer.agent.kubelet.KubeletSummaryClient;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.trigger.UsageSource;
import io.bolometer.agent.upload.ProfileSink;
import io.bolometer.agent.upload.SinkRegistry;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode: watches only this node's {@code ProfilingAssignment}, feeds its targets to the agent runtime, and
 * writes the agent's counters back into its status. The API server sees one watch and coalesced status writes;
 * checks and captures never call it.
 */
public final class ClusterAgent {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterAgent.class);
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(2);

    private final ClusterSettings settings;
    private final StatusPatchWriter statusWriter;
    private final AgentKube kube;
    private final AutoCloseable owned;
    private final AssignmentStatusReporter reporter;
    private final ScheduledExecutorService ticker;
    private AgentRuntime runtime;
    private AssignmentWatch watch;
    private List<String> lastRejected = List.of();
    private volatile List<ProfilingTarget> applied = List.of();
    private volatile boolean stopping;
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicLong statusWrites = new AtomicLong();

    private ClusterAgent(ClusterSettings settings, AgentKube kube, AutoCloseable owned, Clock clock) {
        this.settings = settings;
        this.kube = kube;
        this.statusWriter = kube.statusWriter();
        this.owned = owned;
        this.reporter = new AssignmentStatusReporter(this::writeStatus, clock, settings.statusInterval(),
                new HandledTokenFile(settings.spoolDir()));
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bolometer-status");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Production wiring: the API server found the fabric8 way (in-cluster service account, else {@code KUBECONFIG}
     * or {@code ~/.kube/config}) over the agent's own Vert.x, usage from the node's kubelet, one S3 client per
     * region and endpoint.
     */
    public static ClusterAgent start(Vertx vertx, ClusterSettings settings, Clock clock) throws IOException {
        settings.log(LOG);
        AgentKube kube = AgentKube.connect(vertx);
        SinkRegistry sinks = new SinkRegistry();
        AutoCloseable owned = () -> {
            sinks.close();
            kube.close();
        };
        try {
            return start(vertx, settings, kube, owned, new KubeletSummaryClient(vertx, settings.kubelet(), clock),
                    sinks, clock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(owned);
            throw e;
        }
    }

    /**
     * Wiring with the caller's API access ({@code AgentKube.using(client)}), usage source and sinks (tests); the
     * caller keeps the client and sinks.
     */
    public static ClusterAgent start(Vertx vertx, ClusterSettings settings, AgentKube kube,
                                     UsageSource usage, Function<StoreLocation, ProfileSink> sinks, Clock clock)
            throws IOException {
        return start(vertx, settings, kube, () -> { }, usage, sinks, clock);
    }

    private static ClusterAgent start(Vertx vertx, ClusterSettings settings, AgentKube kube,
                                      AutoCloseable owned, UsageSource usage,
                                      Function<StoreLocation, ProfileSink> sinks, Clock clock) throws IOException {
        ClusterAgent agent = new ClusterAgent(settings, kube, owned, clock);
        try {
            agent.runtime = AgentRuntime.start(vertx, settings.runtime(), usage, sinks, agent.reporter,
                    agent.reporter, clock);
            agent.watch();
        } catch (IOException | RuntimeException e) {
            agent.ticker.shutdownNow();
            if (agent.runtime != null) {
                agent.runtime.close();
            }
            throw e;
        }
        // Ticks are finer than the interval so a write lands soon after the interval passes, never sooner.
        long tickMillis = Math.max(50, settings.statusInterval().toMillis() / 5);
        agent.ticker.scheduleWithFixedDelay(agent::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        return agent;
    }

    private void watch() {
        watch = kube.watch(settings.nodeName(), new AssignmentWatch.Listener() {
            @Override
            public void changed() {
                reconcile();
            }

            @Override
            public void failed(Throwable error) {
                runtime.metrics().error("kube");
                LOG.warn("Watch of ProfilingAssignment {} failed ({}); retrying", settings.nodeName(), error.toString());
            }
        });
        watch.start().whenComplete((synced, error) -> {
            if (error != null) {
                if (!stopping) {
                    LOG.error("Cannot watch ProfilingAssignment {}: {}", settings.nodeName(), error.toString());
                }
            } else {
                LOG.info("Watching ProfilingAssignment {}", settings.nodeName());
                reconcile(); // an absent assignment is zero targets, and the agent is ready with it
            }
        });
    }

    /** Applies the assignment as the watch holds it now; serialised so the last call sees the latest. */
    private synchronized void reconcile() {
        ProfilingAssignment assignment = watch.current();
        reporter.observe(assignment);
        AssignmentTargets.Mapping mapping = AssignmentTargets.map(assignment, reporter.handledTokens(),
                new FetchTargetGuard(settings.hostIp()), settings.endpoints());
        if (!mapping.rejected().equals(lastRejected)) {
            mapping.rejected().forEach(LOG::warn);
            lastRejected = mapping.rejected();
        }
        runtime.apply(mapping.targets());
        applied = mapping.targets();
    }

    private void tick() {
        try {
            if (reporter.tick() == AssignmentStatusReporter.Tick.FAILED) {
                runtime.metrics().error("kube");
            }
            ticks.incrementAndGet();
        } catch (RuntimeException e) {
            LOG.warn("Status tick failed: {}", e.toString());
        }
    }

    /** One status write through {@link StatusPatchWriter} (a JSON patch of the status subresource). */
    private void writeStatus(String name, ProfilingAssignmentStatus status) {
        statusWriter.write(name, status);
        statusWrites.incrementAndGet();
    }

    /** Status ticks so far (tests wait on it instead of sleeping). */
    long ticks() {
        return ticks.get();
    }

    /** Successful status writes so far. */
    long statusWrites() {
        return statusWrites.get();
    }

    /** The targets last handed to the runtime (what this agent profiles now); for tests and diagnostics. */
    public List<ProfilingTarget> targets() {
        return applied;
    }

    public AgentRuntime runtime() {
        return runtime;
    }

    /** The status this agent would write now (null without an assignment); for tests and diagnostics. */
    public ProfilingAssignmentStatus status() {
        return reporter.status();
    }

    /**
     * Stops watching, finishes captures and drains the spool within {@code grace} (see
     * {@link AgentRuntime#shutdown}), writes the final status, then closes what it created.
     *
     * @return true when the spool was empty at the end
     */
    public boolean shutdown(Duration grace) {
        stopWatching();
        boolean drained = runtime.shutdown(grace);
        try {
            CompletableFuture.supplyAsync(reporter::flush, ticker)
                    .get(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Could not write the final status of ProfilingAssignment {}: {}", settings.nodeName(),
                    e.toString());
        }
        stopTicker();
        closeQuietly(owned);
        return drained;
    }

    /** Stops at once, without draining (tests). */
    public void close() {
        stopping = true;
        // The last status write first, then the watch: that write's own watch event then reaches an open watch
        // instead of racing its close (fabric8's mock API server stalls its event loop on exactly that race).
        stopTicker();
        stopWatching();
        runtime.close();
        closeQuietly(owned);
    }

    private void stopWatching() {
        stopping = true;
        if (watch != null) {
            watch.close();
        }
    }

    /** Lets a status write in flight finish (bounded) rather than interrupting it into a spurious failure. */
    private void stopTicker() {
        ticker.shutdown();
        try {
            if (!ticker.awaitTermination(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                ticker.shutdownNow();
            }
        } catch (InterruptedException e) {
            ticker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            Objects.requireNonNull(closeable).close();
        } catch (Exception e) {
            LOG.warn("Closing failed: {}", e.toString());
        }
    }
}
