package io.bolometer.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.coordinator.testing.AuditLog;
import io.bolometer.coordinator.testing.CoordinatorProcess;
import io.bolometer.coordinator.testing.LeaderScenario;
import io.bolometer.coordinator.testing.RealApiServer;
import io.bolometer.testing.Await;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinator processes (the packaged jar, as the Deployment runs it) against a real API server; the leader is
 * killed with SIGKILL, so it never releases the lease. The other replica takes over once the lease expires, within
 * the lease duration plus a retry period or two, and by the server's audit log the two never wrote in overlapping
 * periods: every write of the killed one precedes the kill, every write of the new leader follows it.
 */
class CoordinatorLeaderFaultIT {
    @RegisterExtension
    static final RealApiServer API = new RealApiServer();

    private static final Duration LEASE = Duration.ofSeconds(6);
    private static final Duration RENEW_DEADLINE = Duration.ofSeconds(4);
    private static final Duration RETRY = Duration.ofSeconds(1);
    /**
     * The lease expires at most {@link #LEASE} after the kill (the last renewal came before it); the follower
     * notices at its next try, every retry period plus up to 120 % jitter (fabric8's factor); 2 s for a loaded machine.
     */
    private static final Duration TAKEOVER_BOUND = LEASE.plus(RETRY.multipliedBy(22).dividedBy(10)).plusSeconds(2);
    private static final String AGENT = CoordinatorProcess.USER_AGENT;

    @TempDir
    Path dir;
    private final List<CoordinatorProcess> processes = new ArrayList<>();

    private CoordinatorProcess start(String name) throws IOException {
        CoordinatorProcess replica = CoordinatorProcess.start(API, dir, name,
                new CoordinatorProcess.Lease(LEASE, RENEW_DEADLINE, RETRY), Map.of());
        processes.add(replica);
        return replica;
    }

    private static String holder(KubernetesClient admin) {
        Lease lease = admin.leases().inNamespace("bolometer-system").withName("bolometer-coordinator").get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    private static boolean assigned(KubernetesClient admin, String node) {
        return admin.resources(ProfilingAssignment.class).withName(node).get() != null;
    }

    /** Writes by {@code replica} (assignments, config status, Events, the Lease), in the server's order. */
    private static List<AuditLog.Write> writesBy(String replica) {
        return API.auditLog().writes(w -> w.userAgent().equals(AGENT + replica));
    }

    @Test
    void followerTakesOverWithinTheLeaseAfterTheLeaderIsKilledAndTheirWritesNeverOverlap() throws Exception {
        KubernetesClient admin = LeaderScenario.seed(API);

        CoordinatorProcess first = start("coordinator-a");
        Await.until(Duration.ofSeconds(60), "coordinator-a to take the lease", () -> "coordinator-a".equals(holder(admin)));
        Await.until(Duration.ofSeconds(20), "node-a's assignment", () -> assigned(admin, "node-a"));
        CoordinatorProcess second = start("coordinator-b");
        Await.until(Duration.ofSeconds(60), "coordinator-b to be ready (caches synced)", () -> second.ready());
        LeaderScenario.runningPod(admin, "b", "node-b", "10.0.0.2");
        Await.until(Duration.ofSeconds(20), "node-b's assignment from the leader", () -> assigned(admin, "node-b"));
        assertThat(holder(admin)).isEqualTo("coordinator-a");
        assertThat(writesBy("coordinator-b")).as("the follower writes nothing, not even the lease").isEmpty();

        first.process().destroyForcibly(); // SIGKILL: no shutdown hook, the lease is not released
        assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        Instant killed = Instant.now();
        LeaderScenario.runningPod(admin, "c", "node-c", "10.0.0.3"); // needs a leader to be assigned

        Await.until(Duration.ofSeconds(30), "coordinator-b to take the lease", () -> "coordinator-b".equals(holder(admin)));
        Duration takeover = Duration.between(killed, Instant.now());
        Await.until(Duration.ofSeconds(20), "node-c's assignment from the new leader", () -> assigned(admin, "node-c"));

        List<AuditLog.Write> byFirst = writesBy("coordinator-a");
        List<AuditLog.Write> bySecond = writesBy("coordinator-b");
        System.out.printf("Takeover %d ms after SIGKILL (bound %d ms); writes by coordinator-a %d (last %s), by "
                        + "coordinator-b %d (first %s); killed at %s%n", takeover.toMillis(), TAKEOVER_BOUND.toMillis(),
                byFirst.size(), byFirst.get(byFirst.size() - 1).at(), bySecond.size(), bySecond.get(0).at(), killed);
        assertThat(takeover).as("takeover after the kill").isLessThan(TAKEOVER_BOUND);
        assertThat(byFirst).as("the killed leader wrote assignments").anyMatch(w -> w.resource().equals("profilingassignments"));
        assertThat(byFirst).as("every write of the killed leader came before the kill").allMatch(w -> w.at().isBefore(killed));
        assertThat(bySecond).as("every write of the new leader came after the kill").allMatch(w -> w.at().isAfter(killed));
        assertThat(bySecond).as("the new leader assigned node-c").anyMatch(w -> w.verb().equals("create")
                && w.resource().equals("profilingassignments") && w.name().equals("node-c"));
        assertThat(API.auditLog().writes(w -> w.resource().equals("profilingassignments")).stream()
                .map(AuditLog.Write::userAgent).distinct().toList())
                .as("nobody but the two replicas wrote assignments")
                .containsExactlyInAnyOrder(AGENT + "coordinator-a", AGENT + "coordinator-b");
        assertThat(second.log()).contains("coordinator-b leads: reconciling and writing");
        assertThat(first.log()).doesNotContain("Shutting down"); // killed, not stopped
    }
}
