package io.bolometer.coordinator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bolometer.testing.Await;
import io.bolometer.testing.MutableClock;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class LeaderElectionKubeTest {
    private static final LeaderElection.Timing TIMING =
            new LeaderElection.Timing(Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(1));

    KubernetesClient client;

    /** The clock runs with the real time (so it agrees with the lease records fabric8 writes), moved by the test. */
    @Test
    void stopsCountingAsLeaderOnceItsLastRenewalIsOlderThanTheRenewDeadline() throws Exception {
        MutableClock clock = MutableClock.aheadOf(Clock.systemUTC());
        AtomicInteger changes = new AtomicInteger();
        LeaderElection election = new LeaderElection(client, "bolometer-system", "lease", "me", TIMING,
                changes::incrementAndGet, clock);
        try {
            election.start();
            Await.until(Duration.ofSeconds(10), "leading", election::leading);

            // as if renewals stopped getting through 5 s ago: past the 4 s deadline, though the elector thread has not
            // noticed yet
            clock.set(Duration.ofSeconds(5));
            assertThat(election.leading()).isFalse();

            int before = changes.get();
            clock.set(Duration.ZERO);
            Await.until(Duration.ofSeconds(10), "a reconcile request when the next renewal gets through",
                    () -> changes.get() > before);
            assertThat(election.leading()).isTrue();
        } finally {
            election.close();
        }
    }

    @Test
    void leaseAndWriteRequestsFailAtOnceWhenTheServerIsUnreachableInsteadOfRetrying() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(new ConfigBuilder(
                client.getConfiguration()).withMasterUrl("https://127.0.0.1:" + closedPort).build()).build()) {
            KubernetesClient bound = LeaderElection.leaseBoundClient(unreachable, TIMING);
            long started = System.nanoTime();
            assertThatThrownBy(() -> bound.leases().inNamespace("bolometer-system").withName("lease").get())
                    .isInstanceOf(KubernetesClientException.class);
            // the client's default 10 retries (100 ms doubling) alone would wait about 102 s
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
    }
}
