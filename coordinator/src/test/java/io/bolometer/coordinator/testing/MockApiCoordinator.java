package io.bolometer.coordinator.testing;

import io.bolometer.coordinator.Coordinator;
import io.bolometer.coordinator.CoordinatorSettings;
import io.bolometer.coordinator.kube.LeaderElection;
import io.bolometer.testing.Await;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The set-up the {@code *KubeTest}s share: a coordinator on fabric8's mock API server, and opted-in pods. */
public final class MockApiCoordinator {
    /** Short lease timings, so a test leads within a second or two. */
    public static final LeaderElection.Timing TIMING =
            new LeaderElection.Timing(Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(1));

    private MockApiCoordinator() {
    }

    /** Settings of replica {@code c-0} in {@code bolometer-system}, ports picked freely, a 30 s resync. */
    public static CoordinatorSettings settings(List<String> allowedEndpoints, List<String> allowedBuckets) {
        return new CoordinatorSettings("c-0", "bolometer-system", "lease", "127.0.0.1", 0, 0, allowedEndpoints,
                allowedBuckets, TIMING, Duration.ofSeconds(30));
    }

    public static CoordinatorSettings settings() {
        return settings(List.of(), List.of());
    }

    /** Starts a coordinator and waits (bounded) until it leads. */
    public static Coordinator startLeading(KubernetesClient client, CoordinatorSettings settings) throws IOException {
        Coordinator coordinator = Coordinator.start(client, settings);
        Await.until(Duration.ofSeconds(20), "leadership", coordinator::leading);
        return coordinator;
    }

    public static Coordinator startLeading(KubernetesClient client) throws IOException {
        return startLeading(client, settings());
    }

    /** A running pod with {@code profiling.io/enabled: "true"} and IP 10.0.0.9, as a kubelet would report it. */
    public static void optedInPod(KubernetesClient client, String namespace, String name, String node,
                                  Map<String, String> labels, Map<String, String> annotations) {
        client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                .withNamespace(namespace).addToLabels(labels).addToAnnotations("profiling.io/enabled", "true")
                .addToAnnotations(annotations).endMetadata()
                .withNewSpec().withNodeName(node).endSpec()
                .withStatus(new PodStatusBuilder().withPhase("Running").withPodIP("10.0.0.9").build()).build()).create();
    }
}
