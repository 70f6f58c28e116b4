package io.bolometer.coordinator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.coordinator.Coordinator;
import io.bolometer.coordinator.CoordinatorSettings;
import io.bolometer.coordinator.kube.LeaderElection;
import io.bolometer.coordinator.testing.MockApiCoordinator;
import io.bolometer.testing.Await;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 2 on the mock API server, whose expectations let one write fail for good while the others
 * succeed: one node's assignment write, one config's status write. The pass goes on with every other node and
 * config, and the failure is recorded on the configs it concerns.
 */
@EnableKubernetesMockClient(crud = true)
class ReconcilerIsolationKubeTest {
    private static final String ASSIGNMENTS = "/apis/profiling.io/v1alpha1/profilingassignments";
    KubernetesClient client;
    KubernetesMockServer server;
    private Coordinator coordinator;

    @AfterEach
    void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void aNodeWhoseAssignmentCannotBeWrittenStopsNeitherOtherNodesNorStatusesAndIsNamedOnItsConfigs() throws Exception {
        staleAssignment("node-bad");
        staleAssignment("node-good");
        server.expect().patch().withPath(ASSIGNMENTS + "/node-bad").andReturn(500, "{\"kind\":\"Status\",\"code\":500,"
                + "\"message\":\"etcdserver: request is too large\"}").always();
        config("evil", "flood");
        config("shop", "checkout");
        pod("evil", "flood-0", "node-bad");
        pod("shop", "checkout-0", "node-good");
        startCoordinator();

        Await.until(Duration.ofSeconds(30), "node-good's assignment", () -> targets("node-good").equals(List.of("checkout-0")));
        Await.until(Duration.ofSeconds(30), "both statuses", () -> ready("shop", "checkout").isPresent()
                && ready("evil", "flood").isPresent());

        assertThat(ready("shop", "checkout").orElseThrow()).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("Assigned");
        });
        assertThat(ready("evil", "flood").orElseThrow()).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("AssignmentNotWritten");
            assertThat(c.getMessage()).startsWith("the assignment of node node-bad could not be written: ")
                    .contains("request is too large").hasSizeLessThan(400);
        });
        assertThat(coordinator.scrape()).contains("profiling_errors_total{stage=\"kube\"}");
    }

    @Test
    void oneConfigWhoseStatusCannotBeWrittenDoesNotKeepTheOthersFromTheirs() throws Exception {
        server.expect().patch().withPath("/apis/profiling.io/v1alpha1/namespaces/evil/profilingconfigs/flood/status")
                .andReturn(422, "{\"kind\":\"Status\",\"code\":422,\"message\":\"status too large\"}").always();
        config("evil", "flood");
        config("shop", "checkout");
        pod("evil", "flood-0", "node-a");
        pod("shop", "checkout-0", "node-b");
        startCoordinator();

        Await.until(Duration.ofSeconds(30), "the healthy config's status", () -> ready("shop", "checkout").isPresent());
        Await.until(Duration.ofSeconds(30), "both assignments", () -> targets("node-a").equals(List.of("flood-0"))
                && targets("node-b").equals(List.of("checkout-0")));
        assertThat(ready("evil", "flood")).isEmpty();
    }

    private void startCoordinator() throws Exception {
        coordinator = MockApiCoordinator.startLeading(client);
    }

    private void staleAssignment(String node) {
        ProfilingAssignment assignment = new ProfilingAssignment();
        assignment.setMetadata(new ObjectMetaBuilder().withName(node).build());
        ProfilingAssignmentSpec spec = new ProfilingAssignmentSpec();
        spec.setNodeName(node);
        assignment.setSpec(spec);
        client.resources(ProfilingAssignment.class).resource(assignment).create();
    }

    private void config(String namespace, String name) {
        client.resources(ProfilingConfig.class).inNamespace(namespace).resource(client.getKubernetesSerialization().unmarshal("""
                apiVersion: profiling.io/v1alpha1
                kind: ProfilingConfig
                metadata: {name: %s, namespace: %s, generation: 1}
                spec:
                  s3Config: {bucket: profiles}
                """.formatted(name, namespace), ProfilingConfig.class)).create();
    }

    private void pod(String namespace, String name, String node) {
        MockApiCoordinator.optedInPod(client, namespace, name, node, Map.of(), Map.of());
    }

    private List<String> targets(String node) {
        ProfilingAssignment assignment = client.resources(ProfilingAssignment.class).withName(node).get();
        return assignment == null || assignment.getSpec().getTargets() == null ? List.of()
                : assignment.getSpec().getTargets().stream().map(t -> t.getName()).toList();
    }

    private Optional<Condition> ready(String namespace, String name) {
        ProfilingConfig config = client.resources(ProfilingConfig.class).inNamespace(namespace).withName(name).get();
        if (config == null || config.getStatus() == null || config.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return config.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
    }
}
