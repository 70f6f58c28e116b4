package io.bolometer.charts;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.bolometer.charts.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Least-privilege RBAC and the restricted Pod Security Standard, checked on the rendered objects: the chart under
 * several value sets and Kubernetes versions, and the committed {@code deploy/bolometer.yaml}.
 */
class ChartSecurityTest {

    private static Manifests defaults;
    private static Manifests everythingOn;

    @BeforeAll
    static void renderOnce() {
        defaults = render(Map.of());
        everythingOn = render(Map.of(
                "createNamespace", true,
                "dashboards", Map.of("enabled", true),
                "metrics", Map.of("serviceMonitor", Map.of("enabled", true), "podMonitor", Map.of("enabled", true)),
                "defaultConfig", Map.of("enabled", true, "s3", Map.of("bucket", "profiles-bucket")),
                "agent", Map.of("priorityClassName", "system-node-critical")));
    }

    /** Every way users get the manifests: helm with several value sets and versions, and deploy/bolometer.yaml. */
    static Stream<Arguments> manifests() throws IOException {
        return Stream.of(
                Arguments.of("default values", render(Map.of())),
                Arguments.of("everything on", render(Map.of(
                        "createNamespace", true,
                        "dashboards", Map.of("enabled", true),
                        "metrics", Map.of("serviceMonitor", Map.of("enabled", true), "podMonitor", Map.of("enabled", true)),
                        "defaultConfig", Map.of("enabled", true, "s3", Map.of("bucket", "profiles-bucket")),
                        "agent", Map.of("priorityClassName", "system-node-critical")))),
                Arguments.of("Kubernetes 1.20", render(Map.of(), "1.20.2")),
                Arguments.of("deploy/bolometer.yaml", Manifests.parse(Files.readString(
                        ChartRenderer.repoRoot().resolve("deploy/bolometer.yaml")))));
    }

    private static Map<String, Object> rule(String group, String resource, String... verbs) {
        return Map.of("apiGroups", List.of(group), "resources", List.of(resource), "verbs", List.of(verbs));
    }

    /**
     * The agent's informer lists and watches its one assignment by name (list is what an informer starts with); its
     * status write is a JSON patch of the status subresource, which fabric8 precedes with a GET of it. No update.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void agentClusterRoleGrantsOnlyItsAssignmentsTheirStatusAndKubeletStats(String source, Manifests manifests) {
        var role = manifests.get("ClusterRole", "bolometer-agent");

        assertThat(Yaml.list(role, "rules")).containsExactly(
                rule("profiling.io", "profilingassignments", "get", "list", "watch"),
                rule("profiling.io", "profilingassignments/status", "get", "patch"),
                rule("", "nodes/stats", "get"));
    }

    /**
     * Exactly the calls of the coordinator's {@code kube} package: informers (list, watch) on configs, assignments,
     * pods and nodes; {@code edit}/{@code editStatus} (GET of the object, JSON patch of it or of its status);
     * create and delete of assignments; create of Events.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void coordinatorClusterRoleGrantsOnlyWhatItsCodeCalls(String source, Manifests manifests) {
        var role = manifests.get("ClusterRole", "bolometer-coordinator");

        assertThat(Yaml.list(role, "rules")).containsExactly(
                rule("profiling.io", "profilingconfigs", "get", "list", "watch"),
                rule("profiling.io", "profilingconfigs/status", "patch"),
                rule("profiling.io", "profilingassignments", "get", "list", "watch", "create", "patch", "delete"),
                rule("", "pods", "list", "watch"),
                rule("", "nodes", "list", "watch"),
                rule("", "events", "create"));
    }

    /** fabric8's LeaseLock reads the Lease, creates it once, and renews or takes it over with an update (PUT). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void coordinatorMayTouchLeasesOnlyInItsOwnNamespace(String source, Manifests defaults) {
        var role = defaults.get("Role", "bolometer-coordinator-leader-election");

        assertThat(Yaml.str(role, "metadata.namespace")).isEqualTo("bolometer-system");
        assertThat(Yaml.list(role, "rules")).containsExactly(
                rule("coordination.k8s.io", "leases", "get", "create", "patch"));
        assertThat(defaults.ofKind("Role")).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void noRoleUsesWildcardsOrReadsSecrets(String source, Manifests manifests) {
        var roles = new java.util.ArrayList<>(manifests.ofKind("ClusterRole"));
        roles.addAll(manifests.ofKind("Role"));

        assertThat(roles).hasSize(3);
        for (var role : roles) {
            for (var rule : Yaml.list(role, "rules")) {
                assertThat(Yaml.strings(rule, "verbs")).as("verbs of %s", role).doesNotContain("*");
                assertThat(Yaml.strings(rule, "resources")).as("resources of %s", role).doesNotContain("*", "secrets");
                assertThat(Yaml.strings(rule, "apiGroups")).as("groups of %s", role).doesNotContain("*");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void agentCannotReadPodsOrSecrets(String source, Manifests manifests) {
        var resources = Yaml.list(manifests.get("ClusterRole", "bolometer-agent"), "rules").stream()
                .flatMap(r -> Yaml.strings(r, "resources").stream()).toList();

        assertThat(resources).doesNotContain("pods", "secrets", "configmaps", "nodes/proxy");
    }

    @Test
    void eachComponentIsBoundToItsOwnServiceAccount() {
        var agentBinding = defaults.get("ClusterRoleBinding", "bolometer-agent");
        var coordinatorBinding = defaults.get("ClusterRoleBinding", "bolometer-coordinator");
        var leaseBinding = defaults.get("RoleBinding", "bolometer-coordinator-leader-election");

        assertThat(Yaml.list(agentBinding, "subjects")).containsExactly(
                Map.of("kind", "ServiceAccount", "name", "bolometer-agent", "namespace", "bolometer-system"));
        assertThat(Yaml.list(coordinatorBinding, "subjects")).containsExactly(
                Map.of("kind", "ServiceAccount", "name", "bolometer-coordinator", "namespace", "bolometer-system"));
        assertThat(Yaml.list(leaseBinding, "subjects")).isEqualTo(Yaml.list(coordinatorBinding, "subjects"));
        assertThat(Yaml.str(defaults.podSpecs().get("DaemonSet/bolometer-agent"), "serviceAccountName"))
                .isEqualTo("bolometer-agent");
        assertThat(Yaml.str(defaults.podSpecs().get("Deployment/bolometer-coordinator"), "serviceAccountName"))
                .isEqualTo("bolometer-coordinator");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void everyPodMeetsTheRestrictedPodSecurityStandard(String source, Manifests manifests) {
        var pods = manifests.podSpecs();
        assertThat(pods).containsOnlyKeys("Deployment/bolometer-coordinator", "DaemonSet/bolometer-agent");

        pods.forEach((workload, pod) -> {
            assertThat(pod.get("hostNetwork")).as("%s hostNetwork", workload).isNotEqualTo(true);
            assertThat(pod.get("hostPID")).as("%s hostPID", workload).isNotEqualTo(true);
            assertThat(pod.get("hostIPC")).as("%s hostIPC", workload).isNotEqualTo(true);
            assertThat(pod.get("hostUsers")).as("%s hostUsers", workload).isNotEqualTo(true);
            assertThat(Yaml.at(pod, "securityContext.sysctls")).as("%s sysctls", workload).isNull();
            assertThat(Yaml.at(pod, "securityContext.seLinuxOptions")).as("%s seLinuxOptions", workload).isNull();
            assertThat(Yaml.at(pod, "securityContext.runAsNonRoot")).as("%s runAsNonRoot", workload).isEqualTo(true);
            assertThat(Yaml.at(pod, "securityContext.runAsUser")).as("%s runAsUser", workload).isEqualTo(65532);
            assertThat(Yaml.str(pod, "securityContext.seccompProfile.type")).as(workload).isEqualTo("RuntimeDefault");
            for (var volume : Yaml.list(pod, "volumes")) {
                assertThat(volume.keySet()).as("%s volume %s", workload, volume.get("name"))
                        .doesNotContain("hostPath").containsAnyOf("emptyDir", "configMap", "projected");
            }
            for (var container : Yaml.list(pod, "containers")) {
                String what = workload + " container " + container.get("name");
                assertThat(Yaml.at(container, "securityContext.runAsNonRoot")).as(what).isEqualTo(true);
                assertThat(Yaml.at(container, "securityContext.runAsUser")).as(what).isEqualTo(65532);
                assertThat(Yaml.at(container, "securityContext.allowPrivilegeEscalation")).as(what).isEqualTo(false);
                assertThat(Yaml.at(container, "securityContext.readOnlyRootFilesystem")).as(what).isEqualTo(true);
                assertThat(Yaml.at(container, "securityContext.privileged")).as(what).isEqualTo(false);
                assertThat(Yaml.at(container, "securityContext.capabilities.drop")).as(what).isEqualTo(List.of("ALL"));
                assertThat(Yaml.at(container, "securityContext.capabilities.add")).as(what).isNull();
                assertThat(Yaml.at(container, "securityContext.procMount")).as(what).isNull();
                assertThat(Yaml.at(container, "securityContext.windowsOptions")).as(what).isNull();
                assertThat(Yaml.str(container, "securityContext.seccompProfile.type")).as(what).isEqualTo("RuntimeDefault");
                for (var port : Yaml.list(container, "ports")) {
                    assertThat(port).as(what).doesNotContainKey("hostPort");
                }
                assertThat(Yaml.map(container, "resources").keySet()).as(what).contains("requests", "limits");
            }
            assertThat(pod).as(workload).doesNotContainKey("initContainers").doesNotContainKey("ephemeralContainers");
        });
    }

    @Test
    void renderedNamespaceEnforcesTheRestrictedProfile() {
        var namespace = everythingOn.get("Namespace", "bolometer-system");

        assertThat(Yaml.map(namespace, "metadata.labels"))
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    }

    @Test
    void everyObjectCarriesTheStandardLabels() {
        for (var object : everythingOn.objects()) {
            assertThat(Yaml.map(object, "metadata.labels").keySet()).as("%s/%s", object.get("kind"), Yaml.str(object, "metadata.name"))
                    .containsAll(Set.of("app.kubernetes.io/name", "app.kubernetes.io/instance",
                            "app.kubernetes.io/version", "app.kubernetes.io/managed-by", "helm.sh/chart"));
        }
    }
}
