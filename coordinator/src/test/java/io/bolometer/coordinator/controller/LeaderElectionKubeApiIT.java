package io.bolometer.coordinator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.coordinator.Coordinator;
import io.bolometer.coordinator.CoordinatorSettings;
import io.bolometer.coordinator.kube.LeaderElection;
import io.bolometer.coordinator.testing.AuditLog;
import io.bolometer.coordinator.testing.LeaderScenario;
import io.bolometer.coordinator.testing.RealApiServer;
import io.bolometer.testing.Await;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two coordinators against a real API server: only the lease holder writes, and the other takes over. */
class LeaderElectionKubeApiIT {
    @RegisterExtension
    static final RealApiServer API = new RealApiServer();

    private static Coordinator start(String name) throws Exception {
        KubernetesClient client = API.client(config -> {
            config.setUserAgent("bolometer-test/" + name);
            return config;
        });
        return Coordinator.start(client, new CoordinatorSettings(name, "bolometer-system", "bolometer-coordinator",
                "127.0.0.1", 0, 0, List.of(), List.of(),
                new LeaderElection.Timing(Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(1)),
                Duration.ofSeconds(2)));
    }


    private static List<AuditLog.Write> assignmentWritesBy(String name) {
        return API.auditLog().writesByUserAgent("bolometer-test/" + name).stream()
                .filter(w -> w.resource().equals("profilingassignments") || w.resource().equals("profilingconfigs"))
                .toList();
    }

    @Test
    void onlyTheLeaseHolderWritesAndTheOtherTakesOverWhenItStops() throws Exception {
        KubernetesClient admin = LeaderScenario.seed(API);

        Coordinator first = start("first");
        Await.until(Duration.ofSeconds(20), "first to lead", first::leading);
        Coordinator second = start("second");
        Await.until(Duration.ofSeconds(20), "node-a's assignment",
                () -> admin.resources(ProfilingAssignment.class).withName("node-a").get() != null);
        Await.until(Duration.ofSeconds(20), "second to sync", second::ready);

        LeaderScenario.runningPod(admin, "b", "node-b", "10.0.0.2");
        Await.until(Duration.ofSeconds(20), "node-b's assignment from the leader",
                () -> admin.resources(ProfilingAssignment.class).withName("node-b").get() != null);
        assertThat(second.leading()).isFalse();
        assertThat(assignmentWritesBy("first")).isNotEmpty();
        assertThat(assignmentWritesBy("second")).as("the follower writes nothing").isEmpty();
        assertThat(second.writes()).isZero();

        long stoppedAt = System.nanoTime();
        first.close();
        Await.until(Duration.ofSeconds(15), "second to take over", second::leading);
        assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(7));
        int firstWrites = assignmentWritesBy("first").size();

        admin.pods().inNamespace("shop").withName("b").withGracePeriod(0).delete();
        Await.until(Duration.ofSeconds(20), "the new leader to delete node-b's assignment",
                () -> admin.resources(ProfilingAssignment.class).withName("node-b").get() == null);
        assertThat(assignmentWritesBy("second")).isNotEmpty();
        assertThat(assignmentWritesBy("first")).as("the stopped replica writes nothing more").hasSize(firstWrites);
        second.close();
    }
}
