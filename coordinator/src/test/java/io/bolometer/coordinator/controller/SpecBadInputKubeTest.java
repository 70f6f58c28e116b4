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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rules only {@code SpecValidator} knows (cross-field, namespace, S3 allow-lists, selector syntax the schema
 * lets through), each reaching the user through the coordinator: {@code Valid=False} with the reason and message,
 * one Warning Event with the same, and no assignment for the pods it would select. The schema's own rules are
 * refused earlier by a real API server with HTTP 422 ({@code CrdKubeApiIT}); the mock server here applies none,
 * which is what a server that skipped the schema would do.
 */
@EnableKubernetesMockClient(crud = true)
class SpecBadInputKubeTest {
    private static final String OUTSIDE = "a ProfilingConfig outside bolometer-system";
    static KubernetesClient client;
    private static Coordinator coordinator;

    @BeforeAll
    static void startWithAnAnnotatedPod() throws Exception {
        for (String namespace : List.of("shop", "payments")) {
            client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName("checkout-1")
                    .withNamespace(namespace).addToLabels("app", "checkout").addToAnnotations("profiling.io/enabled", "true")
                    .endMetadata().withNewSpec().withNodeName("node-a").endSpec()
                    .withStatus(new PodStatusBuilder().withPhase("Running").withPodIP("10.0.0.9").build()).build()).create();
        }
        coordinator = MockApiCoordinator.startLeading(client, MockApiCoordinator.settings(List.of("http://minio.storage.svc:9000"), List.of("team-profiles")));
    }

    @AfterAll
    static void stop() {
        coordinator.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        cpu-vs-check | thresholds: {checkIntervalSeconds: 10}, cpuProfileSeconds: 10 | InvalidSpec | cpuProfileSeconds (10) must be shorter than checkIntervalSeconds (10)
        cpu-vs-periodic | onDemand: {enabled: true, intervalSeconds: 20}, thresholds: {checkIntervalSeconds: 60}, cpuProfileSeconds: 30 | InvalidSpec | cpuProfileSeconds (30) must be shorter than onDemand.intervalSeconds (20)
        other-namespace | selector: {namespace: payments, labelSelector: {app: checkout}} | NamespaceNotAllowed | spec.selector.namespace "payments" is not allowed: a ProfilingConfig outside bolometer-system may select only its own namespace (shop)
        bucket-not-allowed | s3Config: {bucket: other-team} | BucketNotAllowed | spec.s3Config.bucket "other-team" is not allowed: a ProfilingConfig outside bolometer-system may use only team-profiles
        endpoint-not-allowed | s3Config: {bucket: team-profiles, endpoint: 'http://attacker.example:9000'} | EndpointNotAllowed | spec.s3Config.endpoint "http://attacker.example:9000" is not allowed: a ProfilingConfig outside bolometer-system may set only an endpoint listed in s3.allowedEndpoints
        endpoint-credentials | s3Config: {bucket: team-profiles, endpoint: 'http://key:secret@minio.storage.svc:9000'} | InvalidSpec | spec.s3Config.endpoint "http://key:secret@minio.storage.svc:9000" must not contain credentials
        in-without-values | selector: {labelSelector: {app: checkout}, matchExpressions: [{key: tier, operator: In}]} | InvalidSpec | spec.selector.matchExpressions[0].values must not be empty for operator In
        exists-with-values | selector: {labelSelector: {app: checkout}, matchExpressions: [{key: tier, operator: Exists, values: [prod]}]} | InvalidSpec | spec.selector.matchExpressions[0].values must be empty for operator Exists
        bad-label-key | selector: {labelSelector: {'-app': checkout}} | InvalidSpec | spec.selector.labelSelector key "-app" is not a valid label key (an optional DNS subdomain prefix and '/', then at most 63 characters: letters, digits, '-', '_' or '.', starting and ending with a letter or digit)
        duplicate-type | profileTypes: [heap, heap] | InvalidSpec | spec.profileTypes lists "heap" more than once
        bad-bucket-name | s3Config: {bucket: Team_Profiles} | InvalidSpec | spec.s3Config.bucket "Team_Profiles" is not a valid S3 bucket name (3-63 characters: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)
        """)
    void marksTheConfigInvalidWithTheReasonPostsOneWarningAndAssignsNothing(String name, String spec, String reason,
                                                                          String message) throws Exception {
        client.resources(ProfilingConfig.class).inNamespace("shop").resource(client.getKubernetesSerialization().unmarshal("""
                apiVersion: profiling.io/v1alpha1
                kind: ProfilingConfig
                metadata: {name: %s, namespace: shop, generation: 1}
                spec: {%s%s%s}
                """.formatted(name, spec.contains("selector:") ? "" : "selector: {labelSelector: {app: checkout}}, ",
                spec.contains("s3Config:") ? "" : "s3Config: {bucket: team-profiles}, ", spec), ProfilingConfig.class))
                .create();

        Await.until(Duration.ofSeconds(20), "a Valid condition on " + name, () -> valid(name) != null);
        assertThat(valid(name)).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo(reason);
            assertThat(c.getMessage()).isEqualTo(message);
        });
        Await.until(Duration.ofSeconds(20), "a Warning event on " + name, () -> !events(name).isEmpty());
        assertThat(events(name)).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo(reason);
            assertThat(e.getMessage()).isEqualTo("Invalid spec: " + message);
        });
        assertThat(client.resources(ProfilingAssignment.class).withName("node-a").get()).as("nothing assigned").isNull();

        double before = reconciles();
        coordinator.requestReconcile();
        Await.until(Duration.ofSeconds(20), "another reconcile", () -> reconciles() >= before + 1);
        assertThat(events(name)).as("not repeated while nothing changes").hasSize(1);
    }

    private static io.fabric8.kubernetes.api.model.Condition valid(String name) {
        ProfilingConfig config = client.resources(ProfilingConfig.class).inNamespace("shop").withName(name).get();
        if (config.getStatus() == null || config.getStatus().getConditions() == null) {
            return null;
        }
        return config.getStatus().getConditions().stream().filter(c -> "Valid".equals(c.getType())).findFirst().orElse(null);
    }

    private static List<Event> events(String name) {
        return client.v1().events().inNamespace("shop").list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
    }

    private static double reconciles() {
        return coordinator.scrape().lines()
                .filter(l -> l.startsWith("bolometer_coordinator_reconciles_total{result=\"success\"}"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
