package io.bolometer.coordinator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.coordinator.Coordinator;
import io.bolometer.coordinator.CoordinatorSettings;
import io.bolometer.coordinator.kube.LeaderElection;
import io.bolometer.coordinator.testing.MockApiCoordinator;
import io.bolometer.testing.Await;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A pod with an unusable {@code profiling.io/port} or {@code profiling.io/path}, beside a good pod, through the
 * coordinator: the bad pod is not assigned, its owner sees one Warning Event {@code InvalidAnnotation} on the pod
 * naming the value, no second one while nothing changes, and the good pod is assigned as usual.
 */
@EnableKubernetesMockClient(crud = true)
class PodAnnotationsBadInputKubeTest {
    static KubernetesClient client;
    private static Coordinator coordinator;
    private static int cases;

    @BeforeAll
    static void startWithAConfigAndAGoodPod() throws Exception {
        client.resources(ProfilingConfig.class).inNamespace("shop").resource(client.getKubernetesSerialization().unmarshal("""
                apiVersion: profiling.io/v1alpha1
                kind: ProfilingConfig
                metadata: {name: checkout, namespace: shop, generation: 1}
                spec:
                  selector: {labelSelector: {app: checkout}}
                  s3Config: {bucket: profiles}
                """, ProfilingConfig.class)).create();
        pod("good", Map.of());
        startCoordinator();
        Await.until(Duration.ofSeconds(20), "the good pod assigned",
                () -> client.resources(ProfilingAssignment.class).withName("node-a").get() != null);
    }

    @AfterAll
    static void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @ParameterizedTest(name = "{0}: \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "profiling.io/port|abc|profiling.io/port \"abc\" is not a port number (1-65535)",
        "profiling.io/port|0|profiling.io/port \"0\" is not a port number (1-65535)",
        "profiling.io/port|70000|profiling.io/port \"70000\" is not a port number (1-65535)",
        "profiling.io/path|/debug/../admin|profiling.io/path \"/debug/../admin\" must not contain '.' or '..' segments",
        "profiling.io/path|http://evil.example/x|profiling.io/path \"http://evil.example/x\" must start with /",
        "profiling.io/path|//evil.example/x|profiling.io/path \"//evil.example/x\" must be a path on the pod, not a URL"})
    void skipsThePodAndTellsItsOwnerOnceWithAnEventOnThePod(String annotation, String value, String problem)
            throws Exception {
        String bad = "bad-" + ++cases;
        pod(bad, Map.of(annotation, value));

        Await.until(Duration.ofSeconds(20), "an InvalidAnnotation event", () -> !podEvents(bad).isEmpty());
        assertThat(podEvents(bad)).singleElement().satisfies(event -> {
            assertThat(event.getType()).isEqualTo("Warning");
            assertThat(event.getReason()).isEqualTo(Reconciler.INVALID_ANNOTATION);
            assertThat(event.getMessage()).isEqualTo("Not profiled for ProfilingConfig shop/checkout: " + problem);
            assertThat(event.getInvolvedObject().getUid())
                    .isEqualTo(client.pods().inNamespace("shop").withName(bad).get().getMetadata().getUid());
        });
        ProfilingAssignment assignment = client.resources(ProfilingAssignment.class).withName("node-a").get();
        assertThat(assignment.getSpec().getTargets()).extracting(t -> t.getName()).containsExactly("good");

        reconcileOnce();
        long writes = coordinator.writes();
        for (int i = 0; i < 3; i++) {
            reconcileOnce();
        }
        assertThat(podEvents(bad)).as("no repeat while nothing changes").hasSize(1);
        assertThat(coordinator.writes()).isEqualTo(writes);
        assertThat(podEvents("good")).isEmpty();
    }

    private void reconcileOnce() throws InterruptedException {
        double before = reconciles();
        coordinator.requestReconcile();
        Await.until(Duration.ofSeconds(20), "a reconcile", () -> reconciles() >= before + 1);
    }

    private static void startCoordinator() throws Exception {
        coordinator = MockApiCoordinator.startLeading(client);
    }

    private static void pod(String name, Map<String, String> annotations) {
        MockApiCoordinator.optedInPod(client, "shop", name, "node-a", Map.of("app", "checkout"), annotations);
    }

    private static List<Event> podEvents(String pod) {
        return client.v1().events().inNamespace("shop").list().getItems().stream()
                .filter(e -> "Pod".equals(e.getInvolvedObject().getKind()) && pod.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    private static double reconciles() {
        return coordinator.scrape().lines()
                .filter(l -> l.startsWith("bolometer_coordinator_reconciles_total{result=\"success\"}"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
