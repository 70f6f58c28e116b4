package io.bolometer.coordinator.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lease-based leader election ({@code coordination.k8s.io/v1}) with fabric8's {@link LeaderElector}. The
 * {@link #leading()} flag drops the moment the lease is lost, and every write checks it; after losing, the
 * replica campaigns again.
 *
 * <p>{@link #leading()} is also bounded by time: it holds only until the renew time of the last lease record this
 * replica wrote plus the renew deadline, whatever the elector thread is doing. A replica cut off from the API server
 * therefore stops writing before the lease expires and another replica may take it (lease duration > renew
 * deadline), as client-go's elector does. Lease requests (and, through {@link #leaseBoundClient}, writes) are sent
 * once, without the client's retries, and time out at the renew deadline: a retried request could otherwise block the
 * renew loop for minutes, or land long after this replica stopped leading.
 */
public final class LeaderElection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    /** Lease timing: how long a lease lasts, when the leader must have renewed, how often others retry. */
    public record Timing(Duration lease, Duration renewDeadline, Duration retryPeriod) {
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    private final KubernetesClient client;
    private final Clock clock;
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
    /** When the lease this replica last renewed stops counting: its renew time + the renew deadline. */
    private volatile Instant renewedUntil = Instant.MIN;
    private volatile boolean lapsed;
    private volatile boolean closed;
    private volatile CompletableFuture<?> running;

    public LeaderElection(KubernetesClient client, String namespace, String leaseName, String identity, Timing timing,
                          Runnable onChange) {
        this(client, namespace, leaseName, identity, timing, onChange, Clock.systemUTC());
    }

    LeaderElection(KubernetesClient client, String namespace, String leaseName, String identity, Timing timing,
                   Runnable onChange, Clock clock) {
        this.client = leaseBoundClient(client, timing);
        this.clock = clock;
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
                .withLock(new RenewTrackingLock(new LeaseLock(namespace, leaseName, identity)))
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
        lapsed = false;
        LOG.info("{} lost the lease {}/{}: writes stopped", identity, namespace, leaseName);
        onChange.run();
    }

    /** Ends the election loop as a crash of its thread would, without releasing the lease (tests). */
    public void killLoopForTest() {
        executor.shutdownNow();
    }

    /** False when the election loop has ended for good (its thread gone, or it could not be restarted). */
    public boolean alive() {
        CompletableFuture<?> current = running;
        return closed || (!executor.isShutdown() && (current == null || !current.isDone()));
    }

    /** True while this replica holds the lease and renewed it less than the renew deadline ago. */
    public boolean leading() {
        if (!leading) {
            return false;
        }
        if (clock.instant().isBefore(renewedUntil)) {
            return true;
        }
        if (!lapsed) {
            lapsed = true;
            LOG.warn("{} could not renew the lease {}/{} within {} s: writes paused", identity, namespace, leaseName,
                    timing.renewDeadline().toSeconds());
        }
        return false;
    }

    /**
     * {@code client} with requests sent once (no retries) and bounded by the renew deadline, for the lease and for
     * the leader's writes: a write refused by {@link #leading()} must not be sent later by a retry.
     */
    public static KubernetesClient leaseBoundClient(KubernetesClient client, Timing timing) {
        RequestConfig once = new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout(Math.toIntExact(timing.renewDeadline().toMillis()))
                .build();
        return client.newClient(once).adapt(KubernetesClient.class);
    }

    private void renewed(LeaderElectionRecord record) {
        if (!identity.equals(record.getHolderIdentity())) {
            renewedUntil = Instant.MIN; // released
            return;
        }
        renewedUntil = record.getRenewTime().toInstant().plus(timing.renewDeadline());
        if (lapsed) {
            lapsed = false;
            LOG.info("{} renewed the lease {}/{} again: writes resume", identity, namespace, leaseName);
            onChange.run();
        }
    }

    /** The lease lock, noting every record this replica wrote successfully. */
    private final class RenewTrackingLock implements Lock {
        private final Lock lock;

        RenewTrackingLock(Lock lock) {
            this.lock = lock;
        }

        @Override
        public LeaderElectionRecord get(KubernetesClient client) {
            return lock.get(client);
        }

        @Override
        public void create(KubernetesClient client, LeaderElectionRecord record) {
            lock.create(client, record);
            renewed(record);
        }

        @Override
        public void update(KubernetesClient client, LeaderElectionRecord record) {
            lock.update(client, record);
            renewed(record);
        }

        @Override
        public String identity() {
            return lock.identity();
        }

        @Override
        public String describe() {
            return lock.describe();
        }
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
