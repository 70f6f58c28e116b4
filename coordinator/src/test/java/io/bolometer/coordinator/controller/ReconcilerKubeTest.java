package io.bolometer.coordinator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.coordinator.Coordinator;
import io.bolometer.coordinator.CoordinatorSettings;
import io.bolometer.coordinator.kube.LeaderElection;
import io.bolometer.coordinator.testing.MockApiCoordinator;
import io.bolometer.testing.Await;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.RecentCapture;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fast reconcile checks on fabric8's mock API server (CRUD mode: no schema validation, no server-side selectors).
 * Which assignments a pass creates, replaces or deletes is {@code planning.AssignmentDiffTest}'s table; here the
 * reconciler applies a diff end to end once, and writes nothing while nothing the planner reads changed.
 */
@EnableKubernetesMockClient(crud = true)
class ReconcilerKubeTest {
    KubernetesClient client;
    private Coordinator coordinator;

    @AfterEach
    void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private void startCoordinator() throws Exception {
        coordinator = MockApiCoordinator.startLeading(client);
    }


    private void config(String name, String extraSpec) {
        client.resources(ProfilingConfig.class).inNamespace("shop").resource(client.getKubernetesSerialization().unmarshal("""
                apiVersion: profiling.io/v1alpha1
                kind: ProfilingConfig
                metadata: {name: %s, namespace: shop, generation: 1}
                spec:
                  selector: {labelSelector: {app: checkout}}
                  s3Config: {bucket: profiles}
                %s
                """.formatted(name, extraSpec), ProfilingConfig.class)).create();
    }

    private void pod(String name, String node) {
        MockApiCoordinator.optedInPod(client, "shop", name, node, Map.of("app", "checkout"), Map.of());
    }

    private ProfilingAssignment assignment(String node) {
        return client.resources(ProfilingAssignment.class).withName(node).get();
    }

    @Test
    void writesOneAssignmentPerNodeAndNothingMoreWhileNothingChanges() throws Exception {
        config("checkout", "");
        pod("a", "node-a");
        pod("b", "node-b");
        startCoordinator();

        Await.until(Duration.ofSeconds(20), "both assignments", () -> assignment("node-a") != null && assignment("node-b") != null);
        Await.until(Duration.ofSeconds(20), "the first statuses and events", () -> coordinator.writes() >= 4);
        long writes = coordinator.writes();
        double reconciles = reconciles();
        // Nothing the planner reads: an annotation nobody selects on, and a new pod no config selects.
        client.pods().inNamespace("shop").withName("a").edit(p -> {
            p.getMetadata().getAnnotations().put("team.example/owner", "payments");
            return p;
        });
        Await.until(Duration.ofSeconds(20), "a reconcile after the changes", () -> reconciles() >= reconciles + 1);

        assertThat(coordinator.writes()).as("no write without a change").isEqualTo(writes);
        assertThat(assignment("node-a").getSpec().getTargets()).extracting(t -> t.getName()).containsExactly("a");

        pod("c", "node-a");
        Await.until(Duration.ofSeconds(20), "pod c assigned, the status and the event written", () -> coordinator.writes() >= writes + 3);
        double after = reconciles();
        Await.until(Duration.ofSeconds(20), "another reconcile", () -> reconciles() >= after + 1 || coordinator.writes() > writes + 3);
        assertThat(coordinator.writes()).as("one assignment write, one status write, one event").isEqualTo(writes + 3);
        assertThat(assignment("node-a").getSpec().getTargets()).hasSize(2);
    }

    /** The write count once a whole reconcile passed without writing (a failed write is retried by the next one). */
    private long settledWrites() throws InterruptedException {
        for (int attempt = 0; attempt < 20; attempt++) {
            long before = coordinator.writes();
            double reconciles = reconciles();
            coordinator.requestReconcile();
            Await.until(Duration.ofSeconds(20), "a reconcile", () -> reconciles() >= reconciles + 1);
            if (coordinator.writes() == before) {
                return before;
            }
        }
        throw new AssertionError("writes never settled: " + coordinator.writes());
    }

    private double reconciles() {
        return coordinator.scrape().lines().filter(l -> l.startsWith("bolometer_coordinator_reconciles_total{result=\"success\"}"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void marksAnInvalidConfigAndAssignsNothingForIt() throws Exception {
        config("bad", "  thresholds: {checkIntervalSeconds: 10}\n  cpuProfileSeconds: 30");
        pod("a", "node-a");
        startCoordinator();

        Await.until(Duration.ofSeconds(20), "an invalid status", () -> {
            ProfilingConfig c = client.resources(ProfilingConfig.class).inNamespace("shop").withName("bad").get();
            return c.getStatus() != null && !c.getStatus().getConditions().isEmpty();
        });
        ProfilingConfig bad = client.resources(ProfilingConfig.class).inNamespace("shop").withName("bad").get();
        assertThat(bad.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Valid");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getMessage()).isEqualTo("cpuProfileSeconds (30) must be shorter than checkIntervalSeconds (10)");
        });
        Await.until(Duration.ofSeconds(20), "a warning event", () -> client.v1().events().inNamespace("shop").list().getItems().stream()
                .anyMatch(e -> "Warning".equals(e.getType()) && "InvalidSpec".equals(e.getReason())));
        List<Event> events = client.v1().events().inNamespace("shop").list().getItems();
        assertThat(events).singleElement().extracting(Event::getMessage)
                .isEqualTo("Invalid spec: cpuProfileSeconds (30) must be shorter than checkIntervalSeconds (10)");
        assertThat(assignment("node-a")).isNull();
    }

    @Test
    void foldsTheAgentsRecentCapturesIntoTheConfigAndSendsOneProfileCapturedEventPerCaptureOnce() throws Exception {
        config("checkout", "");
        pod("a", "node-a");
        startCoordinator();
        Await.until(Duration.ofSeconds(20), "node-a's assignment", () -> assignment("node-a") != null);
        String time = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        String stamp = time.replaceAll("[-:TZ]", "");
        String evidence = "cpu 93.4% of limit \u2265 80%";
        ProfilingAssignmentStatus.ConfigCounters counters = new ProfilingAssignmentStatus.ConfigCounters("shop/checkout",
                2L, 2L, 0L, time);
        counters.setRecentCaptures(List.of(
                new RecentCapture(time, "shop", "a", "node-a", "heap", "threshold-exceeded",
                        "s3://profiles/p/" + stamp + "-a-heap.pprof", evidence, "main.growHeap 40%", "no baseline"),
                new RecentCapture(time, "shop", "a", "node-a", "cpu", "threshold-exceeded",
                        "s3://profiles/p/" + stamp + "-a-cpu-2.pprof", evidence, "main.burnCPU 66.3%",
                        "main.burnCPU +61.2 pts vs 12:03")));
        ProfilingAssignmentStatus status = new ProfilingAssignmentStatus();
        status.setConfigs(List.of(counters));
        client.resources(ProfilingAssignment.class).withName("node-a").editStatus(a -> {
            a.setStatus(status);
            return a;
        });

        Await.until(Duration.ofSeconds(20), "the recent captures in the config's status", () -> {
            ProfilingConfig c = client.resources(ProfilingConfig.class).inNamespace("shop").withName("checkout").get();
            return c.getStatus() != null && c.getStatus().getRecentCaptures() != null;
        });
        assertThat(client.resources(ProfilingConfig.class).inNamespace("shop").withName("checkout").get().getStatus()
                .getRecentCaptures()).extracting(RecentCapture::getUri).containsExactlyInAnyOrder(
                        "s3://profiles/p/" + stamp + "-a-cpu-2.pprof", "s3://profiles/p/" + stamp + "-a-heap.pprof");
        Await.until(Duration.ofSeconds(20), "a ProfileCaptured event", () -> !captured().isEmpty());
        assertThat(captured()).singleElement().satisfies(e -> {
            assertThat(e.getMessage()).isEqualTo(evidence + ": s3://profiles/p/" + stamp + "-a-cpu-2.pprof (+1 more)"
                    + " \u2014 top main.burnCPU 66.3% (main.burnCPU +61.2 pts vs 12:03)");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("a");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
            assertThat(e.getMetadata().getName()).isEqualTo("a.captured-" + stamp);
        });

        coordinator.close();
        coordinator = null;
        startCoordinator();
        settledWrites();
        assertThat(captured()).as("a restarted coordinator sends no second Event for the capture").hasSize(1);
        assertThat(coordinator.scrape()).contains("profiling_capture_events_total{result=\"exists\"} 1.0");
    }

    private List<Event> captured() {
        return client.v1().events().inNamespace("shop").list().getItems().stream()
                .filter(e -> "ProfileCaptured".equals(e.getReason())).toList();
    }
}
