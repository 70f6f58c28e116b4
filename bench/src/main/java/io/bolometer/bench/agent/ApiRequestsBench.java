package io.bolometer.bench.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bolometer.agent.kube.AgentKube;
import io.bolometer.agent.cluster.ClusterAgent;
import io.bolometer.agent.cluster.ClusterSettings;
import io.bolometer.agent.kubelet.KubeletSettings;
import io.bolometer.agent.kubelet.KubeletSummaryClient;
import io.bolometer.testing.FakeKubelet;
import io.bolometer.agent.testing.FakePprofServer;
import io.bolometer.agent.testing.InMemoryProfileSink;
import io.bolometer.agent.testing.Scrape;
import io.bolometer.testing.SummaryJson;
import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.AssignedConfig;
import io.bolometer.model.v1alpha1.AssignedTarget;
import io.bolometer.model.v1alpha1.OnDemand;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.S3Config;
import io.bolometer.model.v1alpha1.Thresholds;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.LoggerFactory;

/**
 * API-server requests per threshold check per node in steady state, for {@code make bench} (goal: 0).
 *
 * <p>Usage: {@code ApiRequestsBench <out.json> [full|smoke]}. Starts fabric8's mock API server in CRUD mode and
 * one {@link ClusterAgent} per node (full: 5 nodes, smoke: 2), each with its own API client, fake kubelet
 * ({@link FakeKubelet}, TLS + bearer token, serving cool usage for its pods) and in-memory sink, exactly as
 * {@code ClusterAgentKubeTest} wires one. Each node's {@code ProfilingAssignment} is created as the coordinator
 * would write it, with 30 targets (smoke: 3) on a fake pprof server, thresholds 80 % / 90 %, no periodic captures
 * and no capture tokens, so nothing is captured in steady state.
 *
 * <p>Check interval: the assignment says {@code checkIntervalSeconds: 1}. The CRD's minimum is 5, but the
 * coordinator only copies the value and the agent accepts 1 (as its KubeTests use), so one check a second gives
 * many checks in a short window; the status interval stays the production 10 s.
 *
 * <p>Warm-up ("initial sync"): until every agent profiles all its targets, its kubelet served three summaries and
 * its first status write reached the server. Then the mock server's request log (every request it served; a
 * watch counts once, when opened) is emptied, and the window runs until every node's kubelet served another 60
 * summaries (smoke: 3). A check is one kubelet summary read, which serves every target of the node:
 * {@code api_requests_per_check} = requests the server received in the window ÷ summary reads in the window
 * (summed over nodes), i.e. requests per check per node. Nothing in the window reads the server, so its count is
 * the agents' alone. Status writes in the window and pprof fetches are counted too (both expected 0).
 */
public final class ApiRequestsBench {
    private static final Duration WAIT = Duration.ofMinutes(5);
    private static final String TOKEN = "bench-kubelet-token";
    private static final String POD_IP = "127.0.0.71";
    /** The mock server logs every request through java.util.logging; held here so its level sticks. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    /** Sizes of one run. */
    record Scale(int nodes, int targetsPerNode, int windowChecks) {
        static Scale of(String name) {
            return switch (name) {
                case "full" -> new Scale(5, 30, 60);
                case "smoke" -> new Scale(2, 3, 3);
                default -> throw new IllegalArgumentException("scale is full or smoke, not " + name);
            };
        }
    }

    private ApiRequestsBench() {
    }

    public static void main(String[] args) throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        Path out = Path.of(args[0]);
        Scale scale = Scale.of(args.length > 1 ? args[1] : "full");
        Map<String, Number> figures = run(scale);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), figures);
        System.out.println("API request figures written to " + out + ": " + figures);
    }

    static Map<String, Number> run(Scale scale) throws Exception {
        Vertx vertx = Vertx.vertx();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        List<AutoCloseable> closing = new ArrayList<>();
        Path dir = Files.createTempDirectory("bolometer-api-bench-");
        try {
            server.init(InetAddress.getLoopbackAddress(), 0);
            closing.add(server::destroy);
            server.expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup(ProfilingConfig.GROUP)
                    .withVersion(ProfilingConfig.VERSION).withKind("ProfilingAssignment")
                    .withPlural("profilingassignments").withScope("Cluster").withStatusSubresource(true).build());
            FakePprofServer pprof = FakePprofServer.start(vertx, POD_IP);
            closing.add(pprof);
            Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
            KubernetesClient seeder = server.createClient(new Vertx5HttpClientFactory(vertx));
            closing.add(seeder);
            Instant started = Instant.now();

            List<FakeKubelet> kubelets = new ArrayList<>();
            List<ClusterAgent> agents = new ArrayList<>();
            for (int n = 0; n < scale.nodes(); n++) {
                String node = "node-" + n;
                List<String> pods = new ArrayList<>();
                for (int t = 0; t < scale.targetsPerNode(); t++) {
                    pods.add("checkout-" + n + "-" + t);
                }
                seeder.resource(assignment(node, pods, pprof.port())).create();
                FakeKubelet kubelet = FakeKubelet.start(vertx, TOKEN).serve(() -> coolUsage(node, pods, started));
                closing.add(kubelet);
                kubelets.add(kubelet);
                KubeletSettings kubeletSettings = new KubeletSettings(kubelet.uri(), tokenFile, kubelet.caCertPath(),
                        false, Duration.ofSeconds(5));
                ClusterSettings settings = new ClusterSettings(node, "127.0.0.1", kubeletSettings,
                        dir.resolve("spool-" + n), 64L << 20, "127.0.0.1", 0, 0,
                        Duration.ofSeconds(ClusterSettings.STATUS_INTERVAL_SECONDS));
                KubernetesClient client = server.createClient(new Vertx5HttpClientFactory(vertx));
                closing.add(client);
                InMemoryProfileSink sink = new InMemoryProfileSink();
                ClusterAgent agent = ClusterAgent.start(vertx, settings, AgentKube.using(client),
                        new KubeletSummaryClient(vertx, kubeletSettings, Clock.systemUTC()), location -> sink,
                        Clock.systemUTC());
                closing.add(agent::close);
                agents.add(agent);
            }

            Map<String, Long> warmup = new TreeMap<>();
            await("every agent profiling its targets, three checks each and the first status writes", () -> {
                drain(server, warmup);
                return agents.stream().allMatch(a -> metric(a, "profiling_targets") == scale.targetsPerNode())
                        && kubelets.stream().allMatch(k -> k.summaryRequestCount() >= 3)
                        && warmup.getOrDefault("PATCH profilingassignments/status", 0L) >= scale.nodes();
            });
            drain(server, warmup);

            int[] checksBefore = kubelets.stream().mapToInt(FakeKubelet::summaryRequestCount).toArray();
            double podChecksBefore = agents.stream().mapToDouble(a -> metric(a, "profiling_threshold_checks_total")).sum();
            long windowStart = System.nanoTime();
            await("another " + scale.windowChecks() + " checks on every node", () -> {
                for (int n = 0; n < kubelets.size(); n++) {
                    if (kubelets.get(n).summaryRequestCount() < checksBefore[n] + scale.windowChecks()) {
                        return false;
                    }
                }
                return true;
            });
            double windowSeconds = (System.nanoTime() - windowStart) / 1e9;
            long checks = 0;
            for (int n = 0; n < kubelets.size(); n++) {
                checks += kubelets.get(n).summaryRequestCount() - checksBefore[n];
            }
            double podChecks = agents.stream().mapToDouble(a -> metric(a, "profiling_threshold_checks_total")).sum()
                    - podChecksBefore;
            Map<String, Long> window = new TreeMap<>();
            drain(server, window);
            long requests = window.values().stream().mapToLong(Long::longValue).sum();
            System.out.println("Requests during warm-up: " + warmup);
            System.out.println("Requests during the window: " + window);

            Map<String, Number> figures = new LinkedHashMap<>();
            figures.put("api_requests_per_check", (double) requests / checks);
            figures.put("api_requests_observed", requests);
            figures.put("api_checks_observed", checks);
            figures.put("api_pod_checks_observed", podChecks);
            figures.put("api_requests_per_pod_check", requests / podChecks);
            figures.put("api_nodes", scale.nodes());
            figures.put("api_targets_per_node", scale.targetsPerNode());
            figures.put("api_check_interval_seconds", 1);
            figures.put("api_window_seconds", windowSeconds);
            figures.put("api_status_writes_in_window", window.getOrDefault("PATCH profilingassignments/status", 0L));
            figures.put("api_watches_opened_in_window", window.entrySet().stream()
                    .filter(e -> e.getKey().endsWith("(watch)")).mapToLong(Map.Entry::getValue).sum());
            figures.put("api_warmup_requests", warmup.values().stream().mapToLong(Long::longValue).sum());
            figures.put("api_pprof_fetches", pprof.totalRequests());
            return figures;
        } finally {
            for (int i = closing.size() - 1; i >= 0; i--) {
                try {
                    closing.get(i).close();
                } catch (Exception e) {
                    System.err.println("Closing failed: " + e);
                }
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Moves every request the mock server logged since the last call into {@code counts}, by verb and resource. */
    private static void drain(KubernetesMockServer server, Map<String, Long> counts) {
        try {
            for (int i = 0; i < 1_000_000; i++) {
                RecordedRequest request = server.takeRequest(0, TimeUnit.MILLISECONDS);
                if (request == null) {
                    return;
                }
                counts.merge(key(request), 1L, Long::sum);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code PATCH /apis/profiling.io/v1alpha1/profilingassignments/node-0/status} → {@code PATCH profilingassignments/status}. */
    static String key(RecordedRequest request) {
        String path = request.getPath();
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String[] parts = bare.split("/");
        int first = parts.length > 1 && "apis".equals(parts[1]) ? 4 : 3;
        String resource = first < parts.length ? parts[first] : bare;
        if (first + 2 < parts.length) {
            resource += "/" + parts[first + 2];
        }
        return request.getMethod() + " " + resource + (path.contains("watch=true") ? " (watch)" : "");
    }

    private static ProfilingAssignment assignment(String node, List<String> pods, int port) {
        AssignedConfig config = new AssignedConfig();
        config.setNamespace("shop");
        config.setName("checkout");
        config.setGeneration(1L);
        config.setThresholds(new Thresholds(80, 90, 1, 300));
        config.setOnDemand(new OnDemand(false, 35));
        config.setS3Config(new S3Config("bench-bucket", "profiles", "eu-west-1", null, null));
        config.setProfileTypes(List.of(ProfileType.CPU, ProfileType.HEAP));
        config.setCpuProfileSeconds(1);
        List<AssignedTarget> targets = new ArrayList<>();
        for (String pod : pods) {
            AssignedTarget target = new AssignedTarget();
            target.setNamespace("shop");
            target.setName(pod);
            target.setUid("uid-" + pod);
            target.setPodIP(POD_IP);
            target.setPort(port);
            target.setPath("/" + pod + "/debug/pprof");
            target.setService("checkout");
            target.setLabels(Map.of("app", "checkout"));
            target.setConfigs(List.of("shop/checkout"));
            target.setCpuCores(0.5);
            target.setCpuBasis("limit");
            target.setMemoryBytes(512L * 1024 * 1024);
            target.setMemoryBasis("limit");
            targets.add(target);
        }
        ProfilingAssignmentSpec spec = new ProfilingAssignmentSpec();
        spec.setNodeName(node);
        spec.setConfigs(List.of(config));
        spec.setTargets(targets);
        ProfilingAssignment assignment = new ProfilingAssignment();
        assignment.setMetadata(new ObjectMetaBuilder().withName(node).build());
        assignment.setSpec(spec);
        return assignment;
    }

    /** Every pod at 1 % of a core (2 % of its 0.5-core limit) and 64 MiB (12.5 % of 512 MiB): never hot. */
    private static String coolUsage(String node, List<String> pods, Instant started) {
        Instant now = Instant.now();
        long cpu = Duration.between(started, now).toNanos() / 100;
        SummaryJson summary = SummaryJson.node(node).at(now);
        for (String pod : pods) {
            summary.withPod("shop", pod, "uid-" + pod, cpu, 64L << 20, now);
        }
        return summary.build();
    }

    private static double metric(ClusterAgent agent, String series) {
        return Scrape.value(agent.runtime().metrics().scrape(), series);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
