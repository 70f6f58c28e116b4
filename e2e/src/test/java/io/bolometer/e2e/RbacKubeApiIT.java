package io.bolometer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import io.bolometer.testing.Await;
import io.bolometer.agent.testing.GoToolchain;
import io.bolometer.testing.SummaryJson;
import io.bolometer.agent.upload.SinkRegistry;
import io.bolometer.coordinator.testing.AuditLog;
import io.bolometer.coordinator.testing.RealApiServer;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chart's RBAC as a real API server enforces it (authorization mode RBAC): the chart is installed with
 * {@code helm install}, then the coordinator and a node agent run under the chart's service accounts (tokens from the
 * TokenRequest API, no admin credentials) and must do their whole job — the rules are enough — while everything
 * else they could be asked for is refused — the rules are no wider than that.
 */
class RbacKubeApiIT {
    @RegisterExtension
    static final RealApiServer API = new RealApiServer();
    private static final String RELEASE_NS = "bolometer-system";
    private static final String AGENT_SA = "bolometer-agent";
    private static final String COORDINATOR_SA = "bolometer-coordinator";
    private static final String NS = "shop";

    @TempDir
    static Path dir;
    private static KubernetesClient admin;
    private static KubernetesClient agentClient;
    private static KubernetesClient coordinatorClient;
    private static Vertx vertx;
    private static final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void installTheChartAndRunBothComponentsUnderItsServiceAccounts() throws Exception {
        new Helm(GoToolchain.repoRoot().resolve("helm/bolometer")).install().withName("bolometer")
                .withNamespace(RELEASE_NS).createNamespace().withKubeConfigContents(API.kubeConfigYaml()).call();
        admin = API.client();
        RealApiServer.crdNames().forEach(API::awaitEstablished);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        admin.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata()
                .withNewStatus().addToAllocatable("cpu", new Quantity("4")).addToAllocatable("memory", new Quantity("16Gi"))
                .endStatus().build()).create();
        createRunningPod("checkout-1", "6060", "127.0.0.91");
        createRunningPod("checkout-bad-port", "70000", "127.0.0.92");

        agentClient = clientAs(AGENT_SA);
        coordinatorClient = clientAs(COORDINATOR_SA);
        vertx = Vertx.vertx();
        SinkRegistry sinks = new SinkRegistry();
        closeables.add(sinks);
        closeables.add(E2eAgent.start(vertx, dir, "node-a", agentClient,
                () -> SummaryJson.node("node-a").at(Instant.now()).build(), sinks));
        closeables.add(E2eCoordinator.start(coordinatorClient, List.of("http://127.0.0.1:9")));
    }

    @AfterAll
    static void stop() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // best effort
            }
        }
        for (KubernetesClient c : new KubernetesClient[] {agentClient, coordinatorClient}) {
            if (c != null) {
                c.close();
            }
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    /** A client that authenticates only with a fresh token of the chart's service account. */
    private static KubernetesClient clientAs(String serviceAccount) {
        String token = admin.serviceAccounts().inNamespace(RELEASE_NS).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
        Config config = new ConfigBuilder(Config.fromKubeconfig(API.kubeConfigYaml()))
                .withClientCertData(null).withClientKeyData(null).withClientCertFile(null).withClientKeyFile(null)
                .withUsername(null).withPassword(null).withOauthToken(token)
                .withUserAgent("rbac-it-" + serviceAccount).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static void createRunningPod(String name, String port, String ip) {
        E2eAgent.createRunning(admin, new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .addToLabels("app", "checkout")
                .addToAnnotations("profiling.io/enabled", "true").addToAnnotations("profiling.io/port", port)
                .endMetadata().withNewSpec().withNodeName("node-a").addNewContainer().withName("app")
                .withImage("sample-app:dev").endContainer().endSpec().build(), ip);
    }

    private static void applyConfig(String name, String extraSpec) {
        ProfilingConfig config = admin.resources(ProfilingConfig.class).load(new java.io.ByteArrayInputStream("""
                apiVersion: profiling.io/v1alpha1
                kind: ProfilingConfig
                metadata: {name: %s, namespace: %s}
                spec:
                  selector: {namespace: %s, labelSelector: {app: checkout}}
                  s3Config: {bucket: rbac-profiles, prefix: profiles, region: us-east-1, endpoint: 'http://127.0.0.1:9', forcePathStyle: true}
                  profileTypes: [heap]
                %s""".formatted(name, RELEASE_NS, NS, extraSpec).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .item();
        admin.resource(config).create();
    }

    private static String validCondition(String config) {
        ProfilingConfig current = admin.resources(ProfilingConfig.class).inNamespace(RELEASE_NS).withName(config).get();
        if (current == null || current.getStatus() == null || current.getStatus().getConditions() == null) {
            return null;
        }
        return current.getStatus().getConditions().stream().filter(c -> "Valid".equals(c.getType()))
                .map(Condition::getStatus).findFirst().orElse(null);
    }

    private static String state() {
        return "configs " + admin.resources(ProfilingConfig.class).inAnyNamespace().list().getItems().stream()
                .map(c -> c.getMetadata().getName() + "=" + (c.getStatus() == null ? null : c.getStatus().getConditions()))
                .toList()
                + ", assignments " + admin.resources(ProfilingAssignment.class).list().getItems().stream()
                .map(a -> a.getMetadata().getName() + "=" + a.getSpec()).toList();
    }

    private static List<String> eventReasons(String namespace, String involvedName) {
        return admin.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> involvedName.equals(e.getInvolvedObject().getName())).map(Event::getReason).toList();
    }

    @Test
    void bothComponentsDoTheirWholeJobUnderTheChartsRulesAndNoneOfTheirWritesIsRefused() {
        applyConfig("checkout", "  thresholds: {checkIntervalSeconds: 30}\n");
        applyConfig("too-long-cpu", "  thresholds: {checkIntervalSeconds: 10}\n  cpuProfileSeconds: 10\n");

        // coordinator: pods, nodes and configs list/watch; assignment create; config status patch; lease; events
        Await.until(Duration.ofSeconds(60), "the coordinator to assign checkout-1 to node-a",
                () -> {
                    ProfilingAssignment a = admin.resources(ProfilingAssignment.class).withName("node-a").get();
                    return a != null && a.getSpec().getTargets().stream().anyMatch(t -> t.getName().equals("checkout-1"));
                }, RbacKubeApiIT::state);
        Await.until(Duration.ofSeconds(30), "Valid=True on the good config", () -> "True".equals(validCondition("checkout")));
        Await.until(Duration.ofSeconds(30), "Valid=False on the bad config", () -> "False".equals(validCondition("too-long-cpu")));
        Await.until(Duration.ofSeconds(30), "the InvalidSpec event", () -> eventReasons(RELEASE_NS, "too-long-cpu").contains("InvalidSpec"));
        Await.until(Duration.ofSeconds(30), "the InvalidAnnotation event on the pod",
                () -> eventReasons(NS, "checkout-bad-port").contains("InvalidAnnotation"));
        assertThat(admin.leases().inNamespace(RELEASE_NS).withName("bolometer-coordinator").get().getSpec().getHolderIdentity())
                .isEqualTo("coordinator-0");

        // agent: assignment get/list/watch (it saw its targets) and status patch (it reported on them)
        Await.until(Duration.ofSeconds(30), "the agent's status on node-a's assignment",
                () -> {
                    ProfilingAssignment a = admin.resources(ProfilingAssignment.class).withName("node-a").get();
                    return a.getStatus() != null && Objects.equals(a.getStatus().getObservedGeneration(),
                            a.getMetadata().getGeneration());
                }, () -> String.valueOf(admin.resources(ProfilingAssignment.class).withName("node-a").get().getStatus()));

        List<AuditLog.Write> byAgent = API.auditLog().writes(w -> w.user().equals(user(AGENT_SA)));
        List<AuditLog.Write> byCoordinator = API.auditLog().writes(w -> w.user().equals(user(COORDINATOR_SA)));
        assertThat(byAgent).as("the agent's writes").isNotEmpty()
                .allSatisfy(w -> assertThat(w.code()).as(w.toString()).isLessThan(400))
                .allSatisfy(w -> assertThat(w.resource() + "/" + w.subresource()).isEqualTo("profilingassignments/status"));
        assertThat(byCoordinator).as("the coordinator's writes").isNotEmpty()
                .allSatisfy(w -> assertThat(w.code()).as(w.toString()).isLessThan(400));
        assertThat(byCoordinator).extracting(w -> w.resource() + "/" + w.subresource())
                .contains("profilingassignments/", "profilingconfigs/status", "events/", "leases/");
    }

    @Test
    void requestsOutsideTheRulesAreRefusedByTheServer() {
        assertForbidden(() -> agentClient.pods().inNamespace(NS).list());
        assertForbidden(() -> agentClient.secrets().inNamespace(RELEASE_NS).list());
        assertForbidden(() -> agentClient.resources(ProfilingConfig.class).inAnyNamespace().list());
        assertForbidden(() -> agentClient.resources(ProfilingAssignment.class).withName("node-a").delete());
        assertForbidden(() -> coordinatorClient.secrets().inNamespace(RELEASE_NS).list());
        assertForbidden(() -> coordinatorClient.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("x").endMetadata().build()).create());
        assertForbidden(() -> coordinatorClient.pods().inNamespace(NS).withName("checkout-1").delete());
    }

    private static void assertForbidden(Runnable request) {
        assertThatThrownBy(request::run).isInstanceOfSatisfying(KubernetesClientException.class,
                e -> assertThat(e.getCode()).isEqualTo(403));
    }

    /** Every rule of the chart, allowed and refused, asked of the server's authorizer (SubjectAccessReview). */
    @ParameterizedTest(name = "{0} {1} {2}/{3} in ''{4}'' -> {5}")
    @CsvSource(delimiter = '|', textBlock = """
            agent       | get    | profilingassignments | ''     |                  | true
            agent       | list   | profilingassignments | ''     |                  | true
            agent       | watch  | profilingassignments | ''     |                  | true
            agent       | patch  | profilingassignments | status |                  | true
            agent       | get    | nodes                | stats  |                  | true
            agent       | create | profilingassignments | ''     |                  | false
            agent       | update | profilingassignments | ''     |                  | false
            agent       | patch  | profilingassignments | ''     |                  | false
            agent       | delete | profilingassignments | ''     |                  | false
            agent       | list   | profilingconfigs     | ''     | shop             | false
            agent       | get    | pods                 | ''     | shop             | false
            agent       | list   | pods                 | ''     |                  | false
            agent       | get    | secrets              | ''     | bolometer-system | false
            agent       | get    | nodes                | proxy  |                  | false
            agent       | get    | nodes                | ''     |                  | false
            agent       | create | events               | ''     | shop             | false
            agent       | create | pods                 | exec   | shop             | false
            coordinator | list   | pods                 | ''     |                  | true
            coordinator | watch  | pods                 | ''     |                  | true
            coordinator | list   | nodes                | ''     |                  | true
            coordinator | watch  | profilingconfigs     | ''     |                  | true
            coordinator | patch  | profilingconfigs     | status | shop             | true
            coordinator | create | profilingassignments | ''     |                  | true
            coordinator | patch  | profilingassignments | ''     |                  | true
            coordinator | delete | profilingassignments | ''     |                  | true
            coordinator | create | events               | ''     | shop             | true
            coordinator | get    | leases               | ''     | bolometer-system | true
            coordinator | create | leases               | ''     | bolometer-system | true
            coordinator | patch  | leases               | ''     | bolometer-system | true
            coordinator | update | leases               | ''     | bolometer-system | false
            coordinator | delete | leases               | ''     | bolometer-system | false
            coordinator | patch  | leases               | ''     | shop             | false
            coordinator | update | profilingconfigs     | ''     | shop             | false
            coordinator | patch  | profilingconfigs     | ''     | shop             | false
            coordinator | delete | profilingconfigs     | ''     | shop             | false
            coordinator | patch  | profilingassignments | status |                  | false
            coordinator | get    | secrets              | ''     | bolometer-system | false
            coordinator | list   | configmaps           | ''     |                  | false
            coordinator | update | pods                 | ''     | shop             | false
            coordinator | delete | pods                 | ''     | shop             | false
            coordinator | create | pods                 | exec   | shop             | false
            coordinator | get    | nodes                | stats  |                  | false
            coordinator | update | nodes                | ''     |                  | false
            coordinator | create | clusterrolebindings  | ''     |                  | false
            """)
    void theServerAuthorizesExactlyTheChartsRules(String component, String verb, String resource, String subresource,
                                                  String namespace, boolean allowed) {
        String group = switch (resource) {
            case "profilingassignments", "profilingconfigs" -> "profiling.io";
            case "leases" -> "coordination.k8s.io";
            case "clusterrolebindings" -> "rbac.authorization.k8s.io";
            default -> "";
        };
        String user = user("agent".equals(component) ? AGENT_SA : COORDINATOR_SA);
        SubjectAccessReview review = admin.authorization().v1().subjectAccessReview().create(
                new SubjectAccessReviewBuilder().withNewSpec().withUser(user)
                        .withGroups("system:serviceaccounts", "system:serviceaccounts:" + RELEASE_NS, "system:authenticated")
                        .withNewResourceAttributes().withGroup(group).withResource(resource).withSubresource(subresource)
                        .withVerb(verb).withNamespace(namespace == null ? "" : namespace).endResourceAttributes()
                        .endSpec().build());
        assertThat(review.getStatus().getAllowed()).as("%s %s %s/%s in %s (%s)", user, verb, resource, subresource,
                namespace, review.getStatus().getReason()).isEqualTo(allowed);
    }

    private static String user(String serviceAccount) {
        return "system:serviceaccount:" + RELEASE_NS + ":" + serviceAccount;
    }
}
