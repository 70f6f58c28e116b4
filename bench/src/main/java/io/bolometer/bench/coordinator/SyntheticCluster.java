package io.bolometer.bench.coordinator;

import io.bolometer.model.PodAnnotations;
import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.LabelSelectorRequirement;
import io.bolometer.model.v1alpha1.LabelSelectorRequirement.Operator;
import io.bolometer.model.v1alpha1.OnDemand;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.ProfilingConfigSpec;
import io.bolometer.model.v1alpha1.S3Config;
import io.bolometer.model.v1alpha1.Selector;
import io.bolometer.model.v1alpha1.Thresholds;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * A deterministic, realistic cluster for the coordinator benchmarks: 60 namespaces (20 teams × prod, staging,
 * dev), Deployments of 20–180 replicas, pods with seven labels (app, app.kubernetes.io/name, version, team, tier,
 * environment, pod-template-hash) and the annotations real pods carry, about 30 pods per node, 85 % of Deployments
 * opted in, a few pods Pending or terminating, and eight configs mixing label maps and matchExpressions (In,
 * NotIn, Exists) across namespaces, two of them cluster-wide from the coordinator's namespace.
 *
 * <p>Label and annotation values are fresh {@code String}s per pod, as JSON deserialisation produces them (only
 * map keys are shared, as Jackson interns field names), so heap figures are not flattered by sharing.
 */
public final class SyntheticCluster {
    public static final String COORDINATOR_NAMESPACE = "bolometer-system";
    static final List<String> TEAMS = List.of("payments", "checkout", "search", "catalog", "identity", "ledger",
            "shipping", "pricing", "reviews", "ads", "fraud", "mobile-api", "web", "notifications", "media",
            "inventory", "loyalty", "support", "growth", "platform");
    static final List<String> ENVIRONMENTS = List.of("prod", "staging", "dev");
    private static final List<String> TIERS = List.of("frontend", "backend", "worker");
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    /** One pod before it is rendered as a fabric8 {@code Pod}. */
    public record PodSeed(String namespace, String name, String uid, String app, String hash, String team,
                          String tier, String environment, String version, String node, String podIP,
                          String phase, boolean terminating, boolean optedIn, String port, String path,
                          String captureToken, String cpuLimit, String cpuRequest, String memoryLimit,
                          String memoryRequest) {
    }

    private final int podCount;
    private final int nodeCount;
    private final List<String> nodes;

    /**
     * @param podCount pods in total (Deployments are drawn until they are reached)
     * @param nodeCount nodes; pods are spread evenly, so {@code podCount / nodeCount} pods per node
     */
    public SyntheticCluster(int podCount, int nodeCount) {
        this.podCount = podCount;
        this.nodeCount = nodeCount;
        this.nodes = IntStream.range(0, nodeCount).mapToObj(SyntheticCluster::nodeName).toList();
    }

    public static String nodeName(int i) {
        return "ip-10-%d-%d-%d.eu-west-1.compute.internal".formatted(i / 65536 % 256, i / 256 % 256, i % 256);
    }

    public int podCount() {
        return podCount;
    }

    public int nodeCount() {
        return nodeCount;
    }

    public List<String> nodeNames() {
        return nodes;
    }

    /** Every pod, in creation order; equal arguments give equal pods. */
    public List<PodSeed> pods() {
        Random random = new Random(42);
        List<PodSeed> pods = new ArrayList<>(podCount);
        // Nodes filled round-robin over a shuffled order, so neighbours of one Deployment land on different nodes.
        List<Integer> nodeOrder = new ArrayList<>(IntStream.range(0, nodeCount).boxed().toList());
        java.util.Collections.shuffle(nodeOrder, random);
        int deployment = 0;
        while (pods.size() < podCount) {
            String team = TEAMS.get(deployment % TEAMS.size());
            String environment = ENVIRONMENTS.get(deployment / TEAMS.size() % ENVIRONMENTS.size());
            String namespace = team + "-" + environment;
            String tier = TIERS.get(random.nextInt(TIERS.size()));
            String app = team + "-" + tier + "-" + deployment;
            String hash = randomName(random, 10);
            boolean optedIn = random.nextInt(100) < 85;
            String port = optedIn && random.nextInt(10) == 0 ? "8081" : null;
            String path = optedIn && random.nextInt(20) == 0 ? "/internal/debug/pprof" : null;
            int resources = random.nextInt(100);
            String version = "v1." + random.nextInt(40) + "." + random.nextInt(10);
            int replicas = 20 + random.nextInt(161);
            for (int r = 0; r < replicas && pods.size() < podCount; r++) {
                int index = pods.size();
                String node = nodes.get(nodeOrder.get(index % nodeCount));
                int state = random.nextInt(200);
                boolean pending = state < 2;
                boolean terminating = state == 2;
                String name = app + "-" + hash + "-" + randomName(random, 5);
                pods.add(new PodSeed(namespace, name, uuid(random), app, hash, team, tier, environment, version, node,
                        pending ? null : podIP(index), pending ? "Pending" : "Running", terminating, optedIn, port,
                        path, optedIn && random.nextInt(1000) == 0 ? "req-" + index : null,
                        resources < 75 ? "1" : null, resources < 95 ? "250m" : null,
                        resources < 75 ? "512Mi" : null, resources < 95 ? "256Mi" : null));
            }
            deployment++;
        }
        return pods;
    }

    /** A pod as the API server would hold it: labels, annotations, owner, one container with resources, status. */
    public static Pod pod(PodSeed seed) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app", fresh(seed.app()));
        labels.put("app.kubernetes.io/name", fresh(seed.app()));
        labels.put("version", fresh(seed.version()));
        labels.put("team", fresh(seed.team()));
        labels.put("tier", fresh(seed.tier()));
        labels.put("environment", fresh(seed.environment()));
        labels.put("pod-template-hash", fresh(seed.hash()));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("kubectl.kubernetes.io/restartedAt", fresh("2024-05-02T09:14:27Z"));
        annotations.put("prometheus.io/scrape", fresh("true"));
        annotations.put("prometheus.io/port", fresh("9090"));
        if (seed.optedIn()) {
            annotations.put(PodAnnotations.ENABLED, fresh("true"));
        }
        putIfSet(annotations, PodAnnotations.PORT, seed.port());
        putIfSet(annotations, PodAnnotations.PATH, seed.path());
        putIfSet(annotations, PodAnnotations.CAPTURE, seed.captureToken());
        ResourceRequirementsBuilder resources = new ResourceRequirementsBuilder();
        if (seed.cpuLimit() != null) {
            resources.addToLimits("cpu", new Quantity(seed.cpuLimit())).addToLimits("memory", new Quantity(seed.memoryLimit()));
        }
        if (seed.cpuRequest() != null) {
            resources.addToRequests("cpu", new Quantity(seed.cpuRequest()))
                    .addToRequests("memory", new Quantity(seed.memoryRequest()));
        }
        return new PodBuilder()
                .withMetadata(new ObjectMetaBuilder().withNamespace(fresh(seed.namespace())).withName(seed.name())
                        .withUid(seed.uid()).withLabels(labels).withAnnotations(annotations)
                        .withDeletionTimestamp(seed.terminating() ? "2024-05-02T10:00:00Z" : null)
                        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
                        .withName(fresh(seed.app() + "-" + seed.hash())).withUid("rs-" + seed.hash())
                        .withController(true).endOwnerReference().build())
                .withNewSpec().withNodeName(fresh(seed.node()))
                .withContainers(new ContainerBuilder().withName("app").withImage("registry.example/" + seed.app() + ":" + seed.version())
                        .withResources(resources.build()).build()).endSpec()
                .withNewStatus().withPhase(seed.phase()).withPodIP(seed.podIP()).endStatus()
                .build();
    }

    public Node node(String name) {
        return new NodeBuilder().withNewMetadata().withName(name).addToLabels("kubernetes.io/hostname", name).endMetadata()
                .withNewStatus().addToAllocatable("cpu", new Quantity("15890m"))
                .addToAllocatable("memory", new Quantity("61847Mi")).endStatus().build();
    }

    /**
     * Eight valid configs: two cluster-wide ones in the coordinator's namespace (In, Exists, NotIn), together
     * selecting about 90 % of the opted-in pods; four team
     * configs in prod namespaces (label maps plus Exists), one staging config (NotIn), one dev config.
     */
    public List<ProfilingConfig> configs() {
        List<ProfilingConfig> configs = new ArrayList<>();
        configs.add(config(COORDINATOR_NAMESPACE, "fleet-backends", null, Map.of(),
                List.of(expression("tier", Operator.In, "backend", "worker"),
                        expression("team", Operator.Exists)), false));
        configs.add(config(COORDINATOR_NAMESPACE, "frontends", null, Map.of("tier", "frontend"),
                List.of(expression("environment", Operator.NotIn, "dev")), true));
        for (String team : TEAMS.subList(0, 4)) {
            configs.add(config(team + "-prod", team + "-hot", team + "-prod", Map.of("team", team),
                    List.of(expression("app", Operator.Exists)), true));
        }
        configs.add(config("search-staging", "staging-workers", null, Map.of("tier", "worker"),
                List.of(expression("version", Operator.NotIn, "v1.0.0")), false));
        configs.add(config("payments-dev", "dev-backends", null, Map.of("team", "payments"),
                List.of(expression("tier", Operator.In, "backend")), true));
        return configs;
    }

    private static ProfilingConfig config(String namespace, String name, String selectNamespace,
                                          Map<String, String> labels, List<LabelSelectorRequirement> expressions,
                                          boolean periodic) {
        ProfilingConfig config = new ProfilingConfig();
        config.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).withGeneration(1L).build());
        ProfilingConfigSpec spec = new ProfilingConfigSpec();
        spec.setSelector(new Selector(selectNamespace, labels.isEmpty() ? null : labels,
                expressions.isEmpty() ? null : expressions));
        spec.setThresholds(new Thresholds(80, 90, 30, 300));
        spec.setOnDemand(new OnDemand(periodic, 35));
        spec.setS3Config(new S3Config("profiles-" + namespace, namespace + "/profiles", "eu-west-1", null, null));
        spec.setProfileTypes(List.of(ProfileType.CPU, ProfileType.HEAP, ProfileType.GOROUTINE));
        spec.setCpuProfileSeconds(10);
        config.setSpec(spec);
        return config;
    }

    private static LabelSelectorRequirement expression(String key, Operator operator, String... values) {
        return new LabelSelectorRequirement(key, operator, values.length == 0 ? null : List.of(values));
    }

    private static void putIfSet(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, fresh(value));
        }
    }

    /** A copy that shares no characters with the argument, as a freshly parsed JSON value would. */
    private static String fresh(String value) {
        return new String(value.toCharArray());
    }

    private static String podIP(int index) {
        return "10." + (100 + index / 65536 % 100) + "." + index / 256 % 256 + "." + index % 256;
    }

    private static String randomName(Random random, int length) {
        StringBuilder name = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            name.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return name.toString();
    }

    private static String uuid(Random random) {
        return new java.util.UUID(random.nextLong(), random.nextLong()).toString();
    }
}
