package io.bolometer.charts;

import com.marcnuri.helm.Helm;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static io.bolometer.charts.ChartRenderer.render;
import static io.bolometer.charts.Yaml.container;
import static io.bolometer.charts.Yaml.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** `helm lint` and `helm template` of helm/bolometer with the real Helm library, default and other value sets. */
class ChartTest {

    private static final String IRSA = "eks.amazonaws.com/role-arn";
    private static final String ROLE = "arn:aws:iam::123456789012:role/bolometer";

    private static Map<String, Object> agentPod(Manifests m) {
        return m.podSpecs().get("DaemonSet/bolometer-agent");
    }

    private static Map<String, Object> coordinatorPod(Manifests m) {
        return m.podSpecs().get("Deployment/bolometer-coordinator");
    }

    @Test
    void lintPassesInStrictMode() {
        var result = new Helm(ChartRenderer.chartDir()).lint().strict().call();

        assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
    }

    @Test
    void defaultValuesRenderTheCoordinatorTheAgentAndTheirAccessAndNothingOptional() {
        var m = render(Map.of());

        assertThat(m.summary()).containsExactlyInAnyOrder(
                "PodDisruptionBudget/bolometer-coordinator",
                "ServiceAccount/bolometer-agent", "ServiceAccount/bolometer-coordinator",
                "ClusterRole/bolometer-agent", "ClusterRole/bolometer-coordinator",
                "ClusterRoleBinding/bolometer-agent", "ClusterRoleBinding/bolometer-coordinator",
                "Role/bolometer-coordinator-leader-election", "RoleBinding/bolometer-coordinator-leader-election",
                "Service/bolometer-coordinator-metrics", "Service/bolometer-agent-metrics",
                "DaemonSet/bolometer-agent", "Deployment/bolometer-coordinator");
        for (var object : m.objects()) {
            if (!List.of("ClusterRole", "ClusterRoleBinding").contains(object.get("kind"))) {
                assertThat(Yaml.str(object, "metadata.namespace")).as(object.get("kind") + "").isEqualTo("bolometer-system");
            }
        }
    }

    @Test
    void coordinatorRunsTwoReplicasWithLeaseSettingsFromTheDownwardApi() {
        var m = render(Map.of());
        var deployment = m.get("Deployment", "bolometer-coordinator");
        var c = container(coordinatorPod(m), "coordinator");

        assertThat(Yaml.at(deployment, "spec.replicas")).isEqualTo(2);
        assertThat(env(c, "POD_NAME")).contains("fieldRef:metadata.name");
        assertThat(env(c, "POD_NAMESPACE")).contains("fieldRef:metadata.namespace");
        assertThat(env(c, "LEASE_NAME")).contains("bolometer-coordinator");
        assertThat(env(c, "ALLOWED_S3_ENDPOINTS")).contains("");
        assertThat(env(c, "ALLOWED_S3_BUCKETS")).contains("");
        assertThat(env(c, "S3_TENANT_PREFIXES")).contains("namespace");
        assertThat(Yaml.str(c, "image")).isEqualTo("ghcr.io/bolometer/bolometer-coordinator:0.1.0");
    }

    @Test
    void s3AllowListsReachTheCoordinatorAsCommaLists() {
        var m = render(Map.of("s3", Map.of(
                "allowedEndpoints", List.of("http://minio.storage:9000", "https://s3.example.internal"),
                "allowedBuckets", List.of("team-a-profiles", "team-b-profiles"))));
        var c = container(coordinatorPod(m), "coordinator");

        assertThat(env(c, "ALLOWED_S3_ENDPOINTS")).contains("http://minio.storage:9000,https://s3.example.internal");
        assertThat(env(container(agentPod(m), "agent"), "ALLOWED_S3_ENDPOINTS"))
                .as("the agent checks the same list again").contains("http://minio.storage:9000,https://s3.example.internal");
        assertThat(env(container(agentPod(m), "agent"), "POD_NAMESPACE")).contains("fieldRef:metadata.namespace");
        assertThat(env(c, "ALLOWED_S3_BUCKETS")).contains("team-a-profiles,team-b-profiles");
    }

    @Test
    void tenantPrefixesCanBeTurnedOffForTheCoordinator() {
        var c = container(coordinatorPod(render(Map.of("s3", Map.of("tenantPrefixes", "none")))), "coordinator");

        assertThat(env(c, "S3_TENANT_PREFIXES")).contains("none");
    }

    @Test
    void agentGetsItsNodeHostIpAndSpoolAndLeavesKubeletUrlToItsDefault() {
        var m = render(Map.of());
        var pod = agentPod(m);
        var c = container(pod, "agent");

        assertThat(env(c, "NODE_NAME")).contains("fieldRef:spec.nodeName");
        assertThat(env(c, "HOST_IP")).contains("fieldRef:status.hostIP");
        assertThat(env(c, "KUBELET_URL")).isEmpty();
        assertThat(env(c, "KUBELET_INSECURE_SKIP_VERIFY")).contains("false");
        assertThat(env(c, "SPOOL_DIR")).contains("/var/lib/bolometer/spool");
        assertThat(env(c, "SPOOL_MAX_BYTES")).contains("402653184");
        assertThat(env(c, "SHUTDOWN_GRACE_SECONDS")).contains("25");
        assertThat(env(c, "AWS_REGION")).isEmpty();
        assertThat(env(c, "JAVA_TOOL_OPTIONS")).contains("-Djava.io.tmpdir=/tmp -Daws.crt.lib.dir=/tmp");
        assertThat(Yaml.at(pod, "terminationGracePeriodSeconds")).isEqualTo(30);
        assertThat(Yaml.list(c, "volumeMounts")).containsExactlyInAnyOrder(
                Map.of("name", "spool", "mountPath", "/var/lib/bolometer/spool"),
                Map.of("name", "tmp", "mountPath", "/tmp"));
        assertThat(Yaml.list(pod, "volumes")).contains(
                Map.of("name", "spool", "emptyDir", Map.of("sizeLimit", "512Mi")));
    }

    @Test
    void bothComponentsServeMetricsOn8080AndProbesOn8081() {
        var m = render(Map.of());
        for (var c : List.of(container(agentPod(m), "agent"), container(coordinatorPod(m), "coordinator"))) {
            assertThat(Yaml.list(c, "ports")).containsExactly(
                    Map.of("name", "metrics", "containerPort", 8080, "protocol", "TCP"),
                    Map.of("name", "health", "containerPort", 8081, "protocol", "TCP"));
            assertThat(env(c, "METRICS_PORT")).contains("8080");
            assertThat(env(c, "HEALTH_PORT")).contains("8081");
            assertThat(Yaml.str(c, "livenessProbe.httpGet.path")).isEqualTo("/healthz");
            assertThat(Yaml.str(c, "livenessProbe.httpGet.port")).isEqualTo("health");
            assertThat(Yaml.str(c, "readinessProbe.httpGet.path")).isEqualTo("/readyz");
            assertThat(Yaml.str(c, "readinessProbe.httpGet.port")).isEqualTo("health");
        }
        assertThat(Yaml.at(m.get("Service", "bolometer-agent-metrics"), "spec.clusterIP")).isEqualTo("None");
        assertThat(Yaml.map(m.get("Service", "bolometer-agent-metrics"), "spec.selector"))
                .containsEntry("app.kubernetes.io/component", "agent");
        assertThat(Yaml.map(m.get("Service", "bolometer-coordinator-metrics"), "spec.selector"))
                .containsEntry("app.kubernetes.io/component", "coordinator");
    }

    @Test
    void agentRunsOnEveryNodeAndRollsOutAFewAtATime() {
        var m = render(Map.of("agent", Map.of("updateStrategy", Map.of("maxUnavailable", "20%"),
                "priorityClassName", "system-node-critical")));
        var ds = m.get("DaemonSet", "bolometer-agent");

        assertThat(Yaml.list(ds, "spec.template.spec.tolerations")).containsExactly(Map.of("operator", "Exists"));
        assertThat(Yaml.str(ds, "spec.updateStrategy.rollingUpdate.maxUnavailable")).isEqualTo("20%");
        assertThat(Yaml.str(ds, "spec.template.spec.priorityClassName")).isEqualTo("system-node-critical");
    }

    @Test
    void irsaAnnotationLandsOnTheAgentServiceAccountOnly() {
        var m = render(Map.of("serviceAccount", Map.of("annotations", Map.of(IRSA, ROLE))));

        assertThat(Yaml.map(m.get("ServiceAccount", "bolometer-agent"), "metadata")).containsKey("annotations");
        assertThat(Yaml.map(m.get("ServiceAccount", "bolometer-agent"), "metadata.annotations")).containsEntry(IRSA, ROLE);
        assertThat(Yaml.at(m.get("ServiceAccount", "bolometer-coordinator"), "metadata.annotations")).isNull();
    }

    @Test
    void insecureKubeletSettingReachesTheAgent() {
        var m = render(Map.of("kubelet", Map.of("insecureSkipVerify", true), "agent", Map.of("awsRegion", "eu-west-1")));
        var c = container(agentPod(m), "agent");

        assertThat(env(c, "KUBELET_INSECURE_SKIP_VERIFY")).contains("true");
        assertThat(env(c, "AWS_REGION")).contains("eu-west-1");
    }

    @Test
    void customResourcesReachTheContainersAndTheSeedKeyOverridesTheCoordinators() {
        var agentResources = Map.of("requests", Map.of("cpu", "30m", "memory", "100Mi"),
                "limits", Map.of("cpu", "300m", "memory", "200Mi"));
        var seedResources = Map.of("requests", Map.of("cpu", "70m", "memory", "256Mi"),
                "limits", Map.of("cpu", "1", "memory", "512Mi"));
        var m = render(Map.of("agent", Map.of("resources", agentResources), "resources", seedResources));

        assertThat(Yaml.map(container(agentPod(m), "agent"), "resources")).isEqualTo(agentResources);
        assertThat(Yaml.map(container(coordinatorPod(m), "coordinator"), "resources")).isEqualTo(seedResources);
    }

    @Test
    void podDisruptionBudgetUsesPolicyV1WhereServedAndV1beta1OnKubernetes120() {
        var modern = render(Map.of(), "1.27.0").get("PodDisruptionBudget", "bolometer-coordinator");
        var old = render(Map.of(), "1.20.2").get("PodDisruptionBudget", "bolometer-coordinator");

        assertThat(modern).containsEntry("apiVersion", "policy/v1");
        assertThat(old).containsEntry("apiVersion", "policy/v1beta1");
        assertThat(Yaml.at(modern, "spec.minAvailable")).isEqualTo(1);
        assertThat(render(Map.of("coordinator", Map.of("replicas", 1))).ofKind("PodDisruptionBudget"))
                .as("a PDB with one replica would block every drain").isEmpty();
    }

    @Test
    void serviceMonitorScrapesBothComponentsAndLabelsSamplesWithTheNode() {
        var m = render(Map.of("metrics", Map.of("serviceMonitor", Map.of("enabled", true, "labels", Map.of("release", "kps")))));
        var sm = m.get("ServiceMonitor", "bolometer");

        assertThat(sm).containsEntry("apiVersion", "monitoring.coreos.com/v1");
        assertThat(Yaml.map(sm, "metadata.labels")).containsEntry("release", "kps");
        var endpoint = Yaml.list(sm, "spec.endpoints").get(0);
        assertThat(endpoint).containsEntry("port", "metrics").containsEntry("path", "/metrics");
        assertThat(Yaml.list(endpoint, "relabelings")).contains(
                Map.of("sourceLabels", List.of("__meta_kubernetes_pod_node_name"), "targetLabel", "node"));
        assertThat(m.ofKind("PodMonitor")).isEmpty();
    }

    @Test
    void podMonitorLabelsSamplesWithTheNodeToo() {
        var pm = render(Map.of("metrics", Map.of("podMonitor", Map.of("enabled", true)))).get("PodMonitor", "bolometer");
        var endpoint = Yaml.list(pm, "spec.podMetricsEndpoints").get(0);

        assertThat(endpoint).containsEntry("port", "metrics");
        assertThat(Yaml.list(endpoint, "relabelings")).contains(
                Map.of("sourceLabels", List.of("__meta_kubernetes_pod_node_name"), "targetLabel", "node"));
    }

    @Test
    void defaultConfigBecomesAProfilingConfigInTheReleaseNamespace() {
        var m = render(Map.of("defaultConfig", Map.of("enabled", true,
                "selector", Map.of("labelSelector", Map.of("app", "shop")),
                "thresholds", Map.of("cpuThresholdPercent", 70, "memoryThresholdPercent", 85,
                        "checkIntervalSeconds", 15, "cooldownSeconds", 600),
                "onDemand", Map.of("enabled", true, "intervalSeconds", 40),
                "s3", Map.of("bucket", "my-profiles", "region", "us-west-2", "prefix", "prod"),
                "profileTypes", List.of("cpu", "heap", "allocs"))));
        var config = m.get("ProfilingConfig", "default");

        assertThat(config).containsEntry("apiVersion", "profiling.io/v1alpha1");
        assertThat(Yaml.str(config, "metadata.namespace")).isEqualTo("bolometer-system");
        assertThat(Yaml.map(config, "spec.selector")).isEqualTo(Map.of("labelSelector", Map.of("app", "shop")));
        assertThat(Yaml.map(config, "spec.thresholds")).isEqualTo(Map.of("cpuThresholdPercent", 70,
                "memoryThresholdPercent", 85, "checkIntervalSeconds", 15, "cooldownSeconds", 600));
        assertThat(Yaml.map(config, "spec.onDemand")).isEqualTo(Map.of("enabled", true, "intervalSeconds", 40));
        assertThat(Yaml.map(config, "spec.s3Config")).isEqualTo(Map.of("bucket", "my-profiles",
                "region", "us-west-2", "prefix", "prod", "forcePathStyle", false));
        assertThat(Yaml.strings(config, "spec.profileTypes")).containsExactly("cpu", "heap", "allocs");
        assertThat(Yaml.at(config, "spec.cpuProfileSeconds")).isEqualTo(10);
    }

    @Test
    void defaultConfigWithoutABucketIsRefused() {
        assertThatThrownBy(() -> render(Map.of("defaultConfig", Map.of("enabled", true))))
                .hasMessageContaining("bucket");
    }

    @Test
    void dashboardConfigMapCarriesTheSidecarLabelAndTheDashboardFile() throws Exception {
        var m = render(Map.of("dashboards", Map.of("enabled", true)));
        var cm = m.get("ConfigMap", "bolometer-dashboard");
        String file = Files.readString(ChartRenderer.chartDir().resolve("dashboards/bolometer.json"));

        assertThat(Yaml.map(cm, "metadata.labels")).containsEntry("grafana_dashboard", "1");
        assertThat(((Map<?, ?>) cm.get("data")).get("bolometer.json")).isEqualTo(file.strip());
    }
}
