package io.bolometer.e2e;

import io.bolometer.coordinator.Coordinator;
import io.bolometer.coordinator.CoordinatorSettings;
import io.bolometer.coordinator.kube.LeaderElection;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Starts an in-process coordinator with test-friendly timings on loopback ports. */
final class E2eCoordinator {
    private E2eCoordinator() {
    }

    static Coordinator start(KubernetesClient client, List<String> allowedEndpoints) throws IOException {
        return Coordinator.start(client, new CoordinatorSettings("coordinator-0", "bolometer-system",
                "bolometer-coordinator", "127.0.0.1", 0, 0, allowedEndpoints, List.of(),
                new LeaderElection.Timing(Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(1)),
                Duration.ofSeconds(2)));
    }
}
