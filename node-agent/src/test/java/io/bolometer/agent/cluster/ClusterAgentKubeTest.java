package io.bolometer.agent.cluster;

import static io.bolometer.agent.cluster.Assignments.assignment;
import static io.bolometer.agent.cluster.Assignments.config;
import static io.bolometer.agent.cluster.Assignments.handled;
import static io.bolometer.agent.cluster.Assignments.target;
import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.kube.AgentKube;
import io.bolometer.agent.kubelet.KubeletSettings;
import io.bolometer.agent.kubelet.KubeletSummaryClient;
import io.bolometer.testing.Await;
import io.bolometer.testing.FakeKubelet;
import io.bolometer.agent.testing.FakePprofServer;
import io.bolometer.agent.testing.InMemoryProfileSink;
import io.bolometer.agent.testing.PprofBodies;
import io.bolometer.agent.testing.Scrape;
import io.bolometer.testing.SummaryJson;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.AssignedConfig;
import io.bolometer.model.v1alpha1.AssignedTarget;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus.ConfigCounters;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus.TargetState;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode against fabric8's mock API server in CRUD mode: the agent of node-a watches its assignment, profiles
 * fake pprof pods on loopback "pod IPs", and writes its counters into the assignment status.
 */
class ClusterAgentKubeTest {
    private static final String TOKEN = "kubelet-token-for-tests";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<ProfileType> TYPES = List.of(ProfileType.HEAP, ProfileType.GOROUTINE);
    private static final String POD_IP = "127.0.0.61";

    private static final AtomicInteger TESTS = new AtomicInteger();
    private static Vertx vertx;
    private static KubernetesMockServer server;
    private static KubernetesClient client;
    private static FakePprofServer pods;
    private static FakeKubelet kubelet;
    /** The pod whose (cool) usage the fake kubelet reports: this test's pod a. */
    private static volatile String usagePod = "none";

    @TempDir
    Path dir;
    private final InMemoryProfileSink sink = new InMemoryProfileSink();
    private final Set<StoreLocation> stores = ConcurrentHashMap.newKeySet();
    private ClusterAgent agent;
    /** Pod names unique to this test, so the fake server's request counts start at zero. */
    private String a;
    private String b;
    private String c;

    @BeforeAll
    static void startCluster() throws Exception {
        vertx = Vertx.vertx();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        server.expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup(ProfilingConfig.GROUP)
                .withVersion(ProfilingConfig.VERSION).withKind("ProfilingAssignment")
                .withPlural("profilingassignments").withScope("Cluster").withStatusSubresource(true).build());
        client = server.createClient(new Vertx5HttpClientFactory(vertx));
        pods = FakePprofServer.start(vertx, POD_IP);
        kubelet = FakeKubelet.start(vertx, TOKEN).serve(() -> SummaryJson.node("node-a").at(Instant.now())
                .withPod("shop", usagePod, "uid-" + usagePod, 1_000_000, 1 << 20, Instant.now()).build());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        client.close();
        server.destroy();
        pods.close();
        kubelet.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void namePods() {
        int n = TESTS.incrementAndGet();
        a = "a" + n;
        b = "b" + n;
        c = "c" + n;
        usagePod = a;
        for (String pod : List.of(a, b, c)) {
            pods.route(pod, request -> request.response().end(Buffer.buffer(PprofBodies.cpuProfile(3))));
        }
    }

    @BeforeEach
    void startAgent() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
        KubeletSettings kubeletSettings = new KubeletSettings(kubelet.uri(), tokenFile, kubelet.caCertPath(), false,
                Duration.ofSeconds(5));
        ClusterSettings settings = new ClusterSettings("node-a", "127.0.0.1", kubeletSettings, dir.resolve("spool"),
                64L << 20, "127.0.0.1", 0, 0, Duration.ofMillis(300));
        agent = ClusterAgent.start(vertx, settings, AgentKube.using(client),
                new KubeletSummaryClient(vertx, kubeletSettings, Clock.systemUTC()), location -> {
                    stores.add(location);
                    return sink;
                }, Clock.systemUTC());
    }

    @AfterEach
    void stopAgent() {
        // Assignments go while the agent still watches, so no watch event is pending when its watch closes: the mock
        // server's WatchEventsListener blocks its event loop for up to a minute on an event racing a close.
        assignments().delete();
        Await.until(WAIT, "no assignments left", () -> assignments().list().getItems().isEmpty());
        agent.close();
    }

    private static NonNamespaceOperation<ProfilingAssignment, KubernetesResourceList<ProfilingAssignment>,
            Resource<ProfilingAssignment>> assignments() {
        return client.resources(ProfilingAssignment.class);
    }

    private static AssignedConfig periodic(int seconds) {
        AssignedConfig config = config("shop", "hot", seconds, TYPES);
        config.getThresholds().setCheckIntervalSeconds(1);
        return config;
    }

    private AssignedTarget pod(String name, String token) {
        AssignedTarget target = target("shop", name, POD_IP, pods.port(), "/" + name + "/debug/pprof",
                List.of("shop/hot"));
        target.setCaptureToken(token);
        return target;
    }

    private void create(String node, AssignedConfig config, AssignedTarget... targets) {
        assignments().resource(assignment(node, List.of(config), List.of(targets))).create();
    }

    private static Optional<ProfilingAssignmentStatus> status(String node) {
        ProfilingAssignment assignment = assignments().withName(node).get();
        return Optional.ofNullable(assignment).map(ProfilingAssignment::getStatus);
    }

    private static Optional<TargetState> state(String node, String pod) {
        return status(node).flatMap(s -> s.getTargets().stream().filter(t -> t.getPod().equals(pod)).findFirst());
    }

    private static Optional<ConfigCounters> counters(String node) {
        return status(node).flatMap(s -> s.getConfigs().stream().findFirst());
    }

    private long objects(String pod, String reason) {
        return sink.objects().values().stream().filter(o -> pod.equals(o.metadata().get("pod-name"))
                && (reason == null || reason.equals(o.metadata().get("reason")))).count();
    }

    private double metric(String series) {
        return Scrape.value(agent.runtime().metrics().scrape(), series);
    }

    /** Waits for ten more status ticks: time in which an unwanted write or capture would have happened. */
    private void tenTicks() {
        long from = agent.ticks();
        Await.until(WAIT, "ten status ticks", () -> agent.ticks() >= from + 10);
    }

    @Test
    void profilesItsAssignedPodAndWritesItsCountersIntoTheAssignmentStatus() {
        create("node-a", periodic(1), pod(a, null));

        Await.until(WAIT, "two periodic captures of shop/a uploaded", () -> objects(a, "on-demand") >= 4);
        Await.until(WAIT, "captures and uploads in the status on the API server", () -> counters("node-a")
                .filter(c -> c.getCaptures() >= 4 && c.getUploads() >= 4 && c.getLastCaptureTime() != null).isPresent(),
                () -> String.valueOf(counters("node-a").map(ConfigCounters::getCaptures)));

        assertThat(sink.objects().values()).allSatisfy(o -> {
            assertThat(o.metadata()).containsEntry("node", "node-a").containsEntry("pod-namespace", "shop")
                    .containsEntry("service", "checkout");
            assertThat(o.tags()).containsEntry("reason", "on-demand");
        });
        assertThat(sink.objects().keySet()).allSatisfy(key -> assertThat(key).startsWith("prof/"));
        assertThat(stores).containsExactly(new StoreLocation.S3("bucket-hot", "eu-west-1", null, false));
        assertThat(counters("node-a").orElseThrow().getConfig()).isEqualTo("shop/hot");
        assertThat(counters("node-a").orElseThrow().getErrors()).isZero();
        Await.until(WAIT, "a threshold check on usage read from the kubelet",
                () -> metric("profiling_threshold_checks_total") >= 1);
        assertThat(objects(a, "threshold-exceeded")).isZero();
        assertThat(metric("profiling_errors_total{stage=\"kube\"}")).isZero();
    }

    @Test
    void isReadyOnceTheWatchSyncedAlsoWithoutAnAssignmentAndWritesNoStatus() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI readyz = URI.create("http://127.0.0.1:" + agent.runtime().healthPort() + "/readyz");

        Await.until(WAIT, "/readyz to answer 200", () -> {
            try {
                return http.send(HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        tenTicks();

        assertThat(agent.statusWrites()).isZero();
        assertThat(agent.status()).isNull();
        assertThat(metric("profiling_targets")).isZero();
    }

    @Test
    void leavesTheStatusAloneWhileNothingChanges() {
        create("node-a", periodic(0), pod(a, "t-1"));
        Await.until(WAIT, "the handled token in the status", () -> state("node-a", "shop/" + a)
                .map(TargetState::getHandledCaptureToken).filter("t-1"::equals).isPresent());
        Await.until(WAIT, "the upload counted in the status",
                () -> counters("node-a").filter(c -> c.getUploads() == 2).isPresent());
        long writes = agent.statusWrites();
        String resourceVersion = assignments().withName("node-a").get().getMetadata().getResourceVersion();

        tenTicks();

        assertThat(agent.statusWrites()).isEqualTo(writes);
        assertThat(assignments().withName("node-a").get().getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
    }

    @Test
    void capturesEachNewCaptureTokenExactlyOnceAndRecordsItAsHandled() {
        create("node-a", periodic(0), pod(a, "t-1"));
        Await.until(WAIT, "one requested capture", () -> objects(a, "requested") == 2);
        Await.until(WAIT, "t-1 handled in the status", () -> state("node-a", "shop/" + a)
                .map(TargetState::getHandledCaptureToken).filter("t-1"::equals).isPresent());
        tenTicks();
        assertThat(objects(a, "requested")).isEqualTo(2);

        assignments().withName("node-a").edit(a -> {
            a.getSpec().getTargets().get(0).setCaptureToken("t-2");
            return a;
        });

        Await.until(WAIT, "a second requested capture", () -> objects(a, "requested") == 4);
        Await.until(WAIT, "t-2 handled in the status", () -> state("node-a", "shop/" + a)
                .map(TargetState::getHandledCaptureToken).filter("t-2"::equals).isPresent());
        tenTicks();
        assertThat(objects(a, "requested")).isEqualTo(4);
        assertThat(pods.requests(a)).isEqualTo(4);
        assertThat(metric("profiling_captures_total{profile_type=\"heap\",reason=\"requested\"}")).isEqualTo(2);
    }

    @Test
    void aRestartedAgentCapturesATokenLeftUnhandledButNotOneItsStatusMarksHandled() {
        agent.close();
        create("node-a", periodic(0), pod(a, "t-1"), pod(c, "t-9"));
        assignments().withName("node-a").patchStatus(withStatus("node-a", handled("shop/" + a, "t-1")));

        startAgentAgain();

        Await.until(WAIT, "the unhandled token of shop/c captured", () -> objects(c, "requested") == 2);
        Await.until(WAIT, "t-9 handled in the status", () -> state("node-a", "shop/" + c)
                .map(TargetState::getHandledCaptureToken).filter("t-9"::equals).isPresent());
        tenTicks();
        assertThat(pods.requests(a)).isZero();
        assertThat(state("node-a", "shop/" + a).map(TargetState::getHandledCaptureToken)).contains("t-1");
    }

    @Test
    void ignoresTheAssignmentOfAnotherNode() {
        create("node-b", periodic(1), pod(b, "t-b"));
        create("node-a", periodic(1), pod(c, null));

        Await.until(WAIT, "two periodic captures of this node's pod", () -> objects(c, "on-demand") >= 4);

        assertThat(pods.requests(b)).isZero();
        assertThat(objects(b, null)).isZero();
        assertThat(status("node-b").map(ProfilingAssignmentStatus::getTargets).orElse(List.of())).isEmpty();
        assertThat(agent.status().getTargets()).extracting(TargetState::getPod).containsExactly("shop/" + c);
    }

    @Test
    void stopsProfilingWhenItsAssignmentIsDeleted() {
        create("node-a", periodic(1), pod(a, null));
        Await.until(WAIT, "periodic captures of shop/a", () -> objects(a, "on-demand") >= 2);

        assignments().withName("node-a").delete();
        Await.until(WAIT, "no targets", () -> metric("profiling_targets") == 0);
        Await.until(WAIT, "captures in flight to settle",
                () -> pods.requests(a) % 2 == 0 && objects(a, null) == pods.requests(a));
        int requestsAtDelete = pods.requests(a);
        create("node-a", periodic(1), pod(c, null));
        Await.until(WAIT, "two periodic captures of the newly assigned pod", () -> objects(c, "on-demand") >= 4);

        assertThat(pods.requests(a)).isEqualTo(requestsAtDelete);
    }

    private void startAgentAgain() {
        try {
            startAgent();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static ProfilingAssignment withStatus(String node, ProfilingAssignmentStatus status) {
        ProfilingAssignment patch = assignment(node, List.of(), List.of());
        patch.setSpec(null);
        patch.setStatus(status);
        return patch;
    }
}
