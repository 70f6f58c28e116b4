package io.bolometer.coordinator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.coordinator.testing.Kubectl;
import io.bolometer.coordinator.testing.RealApiServer;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.ProfilingConfigStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A user's view: the real kubectl v1.20.2 applies, lists and describes configs on a real API server. */
class CrdKubectlKubeApiIT {
    @RegisterExtension
    static final RealApiServer API = new RealApiServer();

    private static final Path EXAMPLES = Path.of(System.getProperty("bolometer.repo.root", "..")).resolve("examples");
    private static KubernetesClient client;
    private static Kubectl kubectl;

    @BeforeAll
    static void installCrds() {
        API.installCrds();
        client = API.client();
        kubectl = API.kubectl();
    }

    @Test
    void appliesBothExampleConfigs() {
        Kubectl.Result threshold = kubectl.run("apply", "-f", EXAMPLES.resolve("profilingconfig.yaml").toString());
        Kubectl.Result periodic = kubectl.run("apply", "-f", EXAMPLES.resolve("profilingconfig-ondemand.yaml").toString());

        assertThat(threshold.succeeded()).as(threshold.toString()).isTrue();
        assertThat(threshold.stdout()).contains("profilingconfig.profiling.io/sample-app-hot created");
        assertThat(periodic.succeeded()).as(periodic.toString()).isTrue();
        assertThat(client.resources(ProfilingConfig.class).inNamespace("default").withName("sample-app-periodic").get()
                .getSpec().getOnDemand().getIntervalSeconds()).isEqualTo(35);
    }

    @Test
    void getPcfgShowsMatchedCapturesAndLastCaptureAndWideAddsNodesAndValid() {
        apply(config("shop-hot", "cpuThresholdPercent: 85"));
        writeStatus("shop-hot", 14, 3, 27, Instant.now().minus(3, ChronoUnit.DAYS));

        Kubectl.Result get = kubectl.run("get", "pcfg", "shop-hot", "-n", "default");
        Kubectl.Result wide = kubectl.run("get", "pcfg", "shop-hot", "-n", "default", "-o", "wide");

        assertThat(get.succeeded()).as(get.toString()).isTrue();
        assertThat(columns(get.stdout(), 0)).containsExactly("NAME", "MATCHED", "CAPTURES", "LAST", "CAPTURE", "AGE");
        assertThat(columns(get.stdout(), 1)).startsWith("shop-hot", "14", "27", "3d");
        assertThat(columns(wide.stdout(), 0))
                .containsExactly("NAME", "MATCHED", "NODES", "CAPTURES", "LAST", "CAPTURE", "VALID", "AGE");
        assertThat(columns(wide.stdout(), 1)).startsWith("shop-hot", "14", "3", "27", "3d", "True");
    }

    @Test
    void getProfilingListsConfigsAndAssignmentsTogether() {
        apply(config("catalog-hot", "cpuThresholdPercent: 90"));
        ProfilingAssignment assignment = new ProfilingAssignment();
        assignment.setMetadata(new ObjectMetaBuilder().withName("ip-10-0-1-5").build());
        ProfilingAssignmentSpec spec = new ProfilingAssignmentSpec();
        spec.setNodeName("ip-10-0-1-5");
        assignment.setSpec(spec);
        client.resources(ProfilingAssignment.class).resource(assignment).create();

        Kubectl.Result get = kubectl.run("get", "profiling", "-n", "default");
        Kubectl.Result assignments = kubectl.run("get", "profilingassignments");

        assertThat(get.succeeded()).as(get.toString()).isTrue();
        assertThat(get.stdout()).contains("profilingconfig.profiling.io/catalog-hot", "profilingassignment.profiling.io/ip-10-0-1-5");
        assertThat(columns(assignments.stdout(), 0)).containsExactly("NAME", "NODE", "AGE");
    }

    @Test
    void describePcfgShowsTheSpecWithDefaultsApplied() {
        apply(config("search-hot", "cpuThresholdPercent: 75"));

        Kubectl.Result describe = kubectl.run("describe", "pcfg", "search-hot", "-n", "default");

        assertThat(describe.succeeded()).as(describe.toString()).isTrue();
        assertThat(describe.stdout()).contains("Kind:", "ProfilingConfig", "Cpu Threshold Percent:", "75",
                "Cooldown Seconds:", "300", "Bucket:", "my-profiling-bucket");
    }

    @Test
    void applyOfAnOutOfRangeThresholdFailsNamingTheField() {
        Kubectl.Result apply = kubectl.run(config("too-hot", "cpuThresholdPercent: 5000"), Duration.ofSeconds(30), "apply", "-f", "-");

        assertThat(apply.exitCode()).as(apply.toString()).isNotZero();
        assertThat(apply.stderr()).contains("spec.thresholds.cpuThresholdPercent", "less than or equal to 1000");
        assertThat(client.resources(ProfilingConfig.class).inNamespace("default").withName("too-hot").get()).isNull();
    }

    @Test
    void applyOfAnUnknownProfileTypeFailsNamingTheField() {
        String yaml = config("typo", "cpuThresholdPercent: 80") + "  profileTypes: [cpux]\n";

        Kubectl.Result apply = kubectl.run(yaml, Duration.ofSeconds(30), "apply", "-f", "-");

        assertThat(apply.exitCode()).as(apply.toString()).isNotZero();
        assertThat(apply.stderr()).contains("spec.profileTypes", "Unsupported value: \"cpux\"");
    }

    private static void apply(String yaml) {
        Kubectl.Result apply = kubectl.run(yaml, Duration.ofSeconds(30), "apply", "-f", "-");
        assertThat(apply.succeeded()).as(apply.toString()).isTrue();
    }

    private static String config(String name, String threshold) {
        return """
                apiVersion: profiling.io/v1alpha1
                kind: ProfilingConfig
                metadata:
                  name: %s
                  namespace: default
                spec:
                  selector:
                    labelSelector: {app: %s}
                  thresholds:
                    %s
                  s3Config:
                    bucket: my-profiling-bucket
                """.formatted(name, name, threshold);
    }

    /** As the coordinator would: through the status subresource. */
    private static void writeStatus(String name, int matched, int nodes, long captures, Instant lastCapture) {
        var configs = client.resources(ProfilingConfig.class).inNamespace("default");
        ProfilingConfig config = configs.withName(name).get();
        ProfilingConfigStatus status = new ProfilingConfigStatus();
        status.setMatchedPods(matched);
        status.setNodes(nodes);
        status.setCapturesTotal(captures);
        status.setLastCaptureTime(lastCapture.truncatedTo(ChronoUnit.SECONDS).toString());
        status.setConditions(List.of(new ConditionBuilder().withType(ProfilingConfigStatus.CONDITION_VALID)
                .withStatus("True").withReason("Accepted").withMessage("spec is valid")
                .withLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).build()));
        config.setStatus(status);
        configs.resource(config).updateStatus();
    }

    private static List<String> columns(String table, int row) {
        return List.of(table.lines().toList().get(row).trim().split("\\s+"));
    }
}
