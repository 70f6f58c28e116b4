package io.bolometer.coordinator.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lease-based leader election ({@code coordination.k8s.io/v1}) with fabric8's {@link LeaderElector}. The
 * {@link #leading()} flag drops the moment the lease is lost, and every write checks it; after losing, the
 * replica campaigns again.
 */
public final class LeaderElection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    /** Lease timing: how long a lease lasts, when the leader must have renewed, how often others retry. */
    public record Timing(Duration lease, Duration renewDeadline, Duration retryPeriod) {
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String leaseName;
    private final String identity;
    private final Timing timing;
    private final Runnable onChange;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "bolometer-leader-election");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean leading;
    private volatile boolean closed;
    private volatile CompletableFuture<?> running;

    public LeaderElection(KubernetesClient client, String namespace, String leaseName, String identity, Timing timing,
                          Runnable onChange) {
        this.client = client;
        this.namespace = namespace;
        this.leaseName = leaseName;
        this.identity = identity;
        this.timing = timing;
        this.onChange = onChange;
    }

    public void start() {
        if (closed) {
            return;
        }
        LeaderElector elector = new LeaderElectorBuilder(client, executor).withConfig(new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(timing.lease()).withRenewDeadline(timing.renewDeadline())
                .withRetryPeriod(timing.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped,
                        leader -> LOG.info("Lease {}/{} is held by {}", namespace, leaseName, leader)))
                .build()).build();
        running = elector.start();
        running.whenComplete((v, e) -> {
            leading = false;
            if (!closed) {
                start();
            }
        });
    }

    private void started() {
        leading = true;
        LOG.info("{} leads: reconciling and writing", identity);
        onChange.run();
    }

    private void stopped() {
        leading = false;
        LOG.info("{} lost the lease {}/{}: writes stopped", identity, namespace, leaseName);
        onChange.run();
    }

    public boolean leading() {
        return leading;
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> current = running;
        if (current != null) {
            current.cancel(true);
        }
        leading = false;
        executor.shutdown();
    }
}
