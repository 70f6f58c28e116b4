package io.bolometer.coordinator;

import io.bolometer.coordinator.controller.Coalescing;
import io.bolometer.coordinator.controller.CoalescingQueue;
import io.bolometer.coordinator.controller.Reconciler;
import io.bolometer.coordinator.http.HealthAndMetricsServer;
import io.bolometer.coordinator.kube.ClusterCache;
import io.bolometer.coordinator.kube.KubeWriter;
import io.bolometer.coordinator.kube.LeaderElection;
import io.bolometer.coordinator.metrics.CoordinatorMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The running coordinator: informers feed a coalescing queue, the leader reconciles, everyone serves metrics and
 * health. Usable in-process (tests) and from {@link Main}.
 */
public final class Coordinator implements AutoCloseable {
    private final ClusterCache cache;
    private final LeaderElection election;
    private final CoalescingQueue queue;
    private final KubeWriter writer;
    private final HealthAndMetricsServer http;
    private final CoordinatorMetrics metrics;
    private final Clock clock;

    private Coordinator(ClusterCache cache, LeaderElection election, CoalescingQueue queue, KubeWriter writer,
                        HealthAndMetricsServer http, CoordinatorMetrics metrics, Clock clock) {
        this.cache = cache;
        this.election = election;
        this.queue = queue;
        this.writer = writer;
        this.http = http;
        this.metrics = metrics;
        this.clock = clock;
    }

    public static Coordinator start(KubernetesClient client, CoordinatorSettings settings) throws IOException {
        return start(client, settings, Clock.systemUTC());
    }

    /** As {@link #start(KubernetesClient, CoordinatorSettings)}, with the clock every decision reads. */
    public static Coordinator start(KubernetesClient client, CoordinatorSettings settings, Clock clock)
            throws IOException {
        Runnable[] request = new Runnable[1];
        Runnable[] nudge = new Runnable[1];
        ClusterCache cache = new ClusterCache(client, () -> request[0].run(), () -> nudge[0].run());
        LeaderElection election = new LeaderElection(client, settings.podNamespace(), settings.leaseName(),
                settings.podName(), settings.leaseTiming(), () -> request[0].run());
        CoordinatorMetrics metrics = new CoordinatorMetrics(election::leading);
        KubeWriter writer = new KubeWriter(LeaderElection.leaseBoundClient(client, settings.leaseTiming()),
                election::leading, clock);
        Reconciler reconciler = new Reconciler(cache, writer, election::leading, settings.planner(), metrics,
                clock);
        CoalescingQueue queue = new CoalescingQueue(reconciler, Coalescing.RECONCILES, clock);
        request[0] = queue::request;
        nudge[0] = queue::nudge;
        HealthAndMetricsServer http = new HealthAndMetricsServer(settings.bindHost(), settings.metricsPort(),
                settings.healthPort(), metrics::scrape, cache::synced, () -> problems(cache, election, queue, clock));
        cache.start();
        election.start();
        queue.every(settings.resync());
        return new Coordinator(cache, election, queue, writer, http, metrics, clock);
    }

    /** How long one reconcile may run before {@code /healthz} calls the coordinator wedged. */
    static final Duration RECONCILE_STUCK_AFTER = Duration.ofMinutes(5);

    /** What makes this process wedged, for {@code /healthz}: empty when it is healthy. */
    public List<String> problems() {
        return problems(cache, election, queue, clock);
    }

    static List<String> problems(ClusterCache cache, LeaderElection election, CoalescingQueue queue, Clock clock) {
        List<String> problems = new ArrayList<>();
        if (!cache.alive()) {
            problems.add("informers stopped: the cache no longer follows the API server");
        }
        if (!election.alive()) {
            problems.add("the leader election loop has ended");
        }
        if (!queue.alive(RECONCILE_STUCK_AFTER, clock.instant())) {
            problems.add("the reconcile loop is stuck or gone (a pass running over " + RECONCILE_STUCK_AFTER.toMinutes()
                    + " minutes)");
        }
        return problems;
    }

    /** Closes the caches' informers only: what a watch that can't be re-established does (tests). */
    void stopInformersForTest() {
        cache.close();
    }

    /** Ends the leader election loop as a crash of its thread would (tests). */
    void killLeaderElectionForTest() {
        election.killLoopForTest();
    }

    public int healthPort() {
        return http.healthPort();
    }

    /** Asks for a reconcile soon (as any watched change does). */
    public void requestReconcile() {
        queue.request();
    }

    public boolean leading() {
        return election.leading();
    }

    public boolean ready() {
        return cache.synced();
    }

    /** Writes this replica made (assignments, statuses, Events). */
    public long writes() {
        return writer.writes();
    }

    public int metricsPort() {
        return http.metricsPort();
    }

    public String scrape() {
        return metrics.scrape();
    }

    @Override
    public void close() {
        queue.close();
        election.close();
        cache.close();
        http.close();
    }
}
