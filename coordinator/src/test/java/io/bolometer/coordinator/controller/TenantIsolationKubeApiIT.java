package io.bolometer.coordinator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bolometer.coordinator.planning.AssignmentBudget;
import io.bolometer.coordinator.testing.AuditLog;
import io.bolometer.coordinator.testing.CoordinatorProcess;
import io.bolometer.coordinator.testing.RealApiServer;
import io.bolometer.testing.Await;
import io.bolometer.model.v1alpha1.AssignedTarget;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 "Done when", coordinator side, on a real kube-apiserver + etcd with the packaged coordinator jar: a hostile tenant in namespace {@code evil}
 * tries each attack of the issue next to a healthy tenant in {@code shop}, whose config keeps being reconciled
 * (assignment, status, Events) throughout, and no write the coordinator attempts is refused or over the budget.
 */
class TenantIsolationKubeApiIT {
    @RegisterExtension
    static final RealApiServer API = new RealApiServer();
    private static final String AGENT = CoordinatorProcess.USER_AGENT + "tenant-coordinator";
    /** Enough pods with the longest path and a full label load on node-a to pass the 512 KiB budget. */
    private static final int FLOOD_PODS = 320;

    private static KubernetesClient admin;
    private static CoordinatorProcess coordinator;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        admin = API.client();
        API.installCrds();
        for (String ns : List.of("bolometer-system", "shop", "evil")) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        }
        config("shop", "checkout", "selector: {labelSelector: {app: checkout}}");
        pod("shop", "checkout-a", "node-a", "10.0.0.1", Map.of("app", "checkout"), Map.of(), false);
        pod("shop", "checkout-b", "node-b", "10.0.0.2", Map.of("app", "checkout"), Map.of(), false);
        coordinator = CoordinatorProcess.start(API, dir, "tenant-coordinator", CoordinatorProcess.Lease.SHORT, Map.of());
        Await.until(Duration.ofSeconds(30), "the healthy tenant assigned", () -> healthyIsAssigned(2));
    }

    @AfterAll
    static void stop() throws Exception {
        if (coordinator != null) {
            try {
                assertThat(coordinator.log()).as("the coordinator's log").doesNotContain("Exception in thread");
            } finally {
                coordinator.close();
            }
        }
    }

    @Test
    void aHostileTenantCannotStopTheHealthyTenantsReconcilesNorMakeTheCoordinatorWriteTooMuch() throws Exception {
        // Bounded inputs: the API server itself refuses the huge fields, naming them.
        assertRefused("s3Config: {bucket: evil-bucket, prefix: evil/" + "p".repeat(800_000) + "}", "spec.s3Config.prefix");
        assertRefused("s3Config: {bucket: " + "b".repeat(1_000_000) + "}", "spec.s3Config.bucket");
        // Tenant prefixes: another namespace's prefix is refused with the one to use.
        config("evil", "steal", "s3Config: {bucket: shared-bucket, prefix: shop/profiles}");
        // Pod annotations: a 200 KB path, a token forging a log line, a hostNetwork pod, 250 KiB of other annotations.
        pod("evil", "long-path", "node-a", "10.0.1.1", Map.of("app", "x"),
                Map.of("profiling.io/path", "/" + "p".repeat(200_000)), false);
        pod("evil", "forged-token", "node-a", "10.0.1.2", Map.of("app", "x"),
                Map.of("profiling.io/capture", "1\n2026-12-06 INFO Uploaded everything"), false);
        pod("evil", "host", "node-a", "10.9.9.9", Map.of("app", "x"), Map.of(), true);
        pod("evil", "not-opted-in", "node-a", "10.0.1.3", Map.of("app", "x"),
                Map.of("profiling.io/enabled", "false", "ballast", "x".repeat(250 * 1024)), false);
        config("evil", "all", "selector: {labelSelector: {app: x}}");
        // Failures stay where they start: a flood of maximal pods on node-a, next to the healthy pod there.
        config("evil", "flood", "selector: {labelSelector: {app: flood}}");
        Map<String, String> labels = new HashMap<>(Map.of("app", "flood"));
        for (int i = 0; i < 46; i++) {
            labels.put(String.format("team.example/l%02d", i), "v".repeat(20));
        }
        for (int i = 0; i < FLOOD_PODS; i++) {
            pod("evil", String.format("flood-%03d", i), "node-a", "10.1." + (i / 250) + "." + (i % 250 + 1), labels,
                    Map.of("profiling.io/path", "/" + "p".repeat(127)), false);
        }

        Await.until(Duration.ofSeconds(60), "the flood config left out of node-a",
                () -> ready("evil", "flood").map(c -> "AssignmentTooLarge".equals(c.getReason())).orElse(false));
        Await.until(Duration.ofSeconds(30), "the prefix refused", () -> valid("evil", "steal")
                .map(c -> "PrefixNotAllowed".equals(c.getReason())).orElse(false));

        // The healthy tenant goes on: a new pod is assigned and counted while the hostile tenant is there.
        pod("shop", "checkout-c", "node-b", "10.0.0.3", Map.of("app", "checkout"), Map.of(), false);
        Await.until(Duration.ofSeconds(30), "the healthy tenant's new pod", () -> healthyIsAssigned(3));

        assertThat(ready("evil", "flood").orElseThrow().getMessage())
                .startsWith("its targets on node node-a were left out: the node's assignment would be ")
                .endsWith("over the budget of " + AssignmentBudget.DEFAULT_BUDGET_BYTES);
        assertThat(valid("evil", "steal").orElseThrow().getMessage()).contains("use \"evil/shop/profiles\"");
        ProfilingAssignment nodeA = admin.resources(ProfilingAssignment.class).withName("node-a").get();
        assertThat(nodeA.getSpec().getTargets()).extracting(AssignedTarget::getName)
                .contains("checkout-a").doesNotContain("long-path", "host", "not-opted-in", "flood-000");
        assertThat(nodeA.getSpec().getTargets()).filteredOn(t -> t.getName().equals("forged-token")).singleElement()
                .satisfies(t -> assertThat(t.getCaptureToken()).isNull());
        assertThat(AssignmentBudget.jsonBytes(nodeA.getSpec())).isLessThanOrEqualTo(AssignmentBudget.DEFAULT_BUDGET_BYTES);
        assertThat(warnings("evil")).anySatisfy(m -> assertThat(m).contains("profiling.io/path", "is longer than 128")
                        .hasSizeLessThan(400))
                .anySatisfy(m -> assertThat(m).contains("capture", "\\u000a").doesNotContain("\n"))
                .anySatisfy(m -> assertThat(m).contains("hostNetwork"));
        assertThat(normalEvents("shop")).anySatisfy(m -> assertThat(m).startsWith("Assigned 3 pods on 2 nodes"));
        List<AuditLog.Write> refused = API.auditLog().writes(w -> w.userAgent().startsWith(AGENT) && w.code() >= 400);
        assertThat(refused).as("no write of the coordinator was refused (none too large)").isEmpty();
    }

    private static boolean healthyIsAssigned(int pods) {
        ProfilingConfig config = admin.resources(ProfilingConfig.class).inNamespace("shop").withName("checkout").get();
        return config.getStatus() != null && config.getStatus().getMatchedPods() != null
                && config.getStatus().getMatchedPods() == pods
                && ready("shop", "checkout").map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    private static void assertRefused(String spec, String field) {
        assertThatThrownBy(() -> config("evil", "huge", spec)).isInstanceOfSatisfying(KubernetesClientException.class,
                e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains(field);
                });
    }

    private static void config(String namespace, String name, String spec) {
        admin.resources(ProfilingConfig.class).inNamespace(namespace).resource(admin.getKubernetesSerialization()
                .unmarshal("""
                        apiVersion: profiling.io/v1alpha1
                        kind: ProfilingConfig
                        metadata: {name: %s, namespace: %s}
                        spec:
                          %s
                        """.formatted(name, namespace, spec.contains("s3Config") ? spec
                        : spec + "\n  s3Config: {bucket: profiles-bucket}"), ProfilingConfig.class)).create();
    }

    private static void pod(String namespace, String name, String node, String ip, Map<String, String> labels,
                            Map<String, String> annotations, boolean hostNetwork) {
        Map<String, String> all = new HashMap<>(Map.of("profiling.io/enabled", "true"));
        all.putAll(annotations);
        Pod pod = admin.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                .addToLabels(labels).addToAnnotations(all).endMetadata()
                .withNewSpec().withNodeName(node).withHostNetwork(hostNetwork).addNewContainer().withName("app")
                .withImage("app").endContainer().endSpec().build()).create();
        pod.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP(ip).build());
        admin.pods().inNamespace(namespace).resource(pod).updateStatus();
    }

    private static Optional<Condition> ready(String namespace, String name) {
        return condition(namespace, name, "Ready");
    }

    private static Optional<Condition> valid(String namespace, String name) {
        return condition(namespace, name, "Valid");
    }

    private static Optional<Condition> condition(String namespace, String name, String type) {
        ProfilingConfig config = admin.resources(ProfilingConfig.class).inNamespace(namespace).withName(name).get();
        if (config == null || config.getStatus() == null || config.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return config.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private static List<String> warnings(String namespace) {
        return admin.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> "Warning".equals(e.getType())).map(Event::getMessage).toList();
    }

    private static List<String> normalEvents(String namespace) {
        return admin.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> "Normal".equals(e.getType())).map(Event::getMessage).toList();
    }
}
