package io.bolometer.bench;

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
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The API server side of the bench: fabric8's mock server in CRUD mode holding one {@code ProfilingAssignment} per
 * agent, written the way the coordinator would, and the kubeconfig that points an agent process at it.
 */
public final class BenchCluster implements AutoCloseable {
    public static final String NAMESPACE = "bench";
    public static final String CONFIG = "bench";
    public static final String BUCKET = "bench-profiles";
    public static final List<ProfileType> TYPES = List.of(ProfileType.HEAP, ProfileType.GOROUTINE);

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private BenchCluster(KubernetesMockServer server, KubernetesClient client) {
        this.server = server;
        this.client = client;
    }

    public static BenchCluster start(Vertx vertx) {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        server.expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup(ProfilingConfig.GROUP)
                .withVersion(ProfilingConfig.VERSION).withKind("ProfilingAssignment")
                .withPlural("profilingassignments").withScope("Cluster").withStatusSubresource(true).build());
        return new BenchCluster(server, server.createClient(new Vertx5HttpClientFactory(vertx)));
    }

    /** Requests the mock server has answered so far (every client, this harness included). */
    public long requestCount() {
        return server.getRequestCount();
    }

    /** A kubeconfig for an agent process: the mock server over plain HTTP on loopback, a dummy token. */
    public Path writeKubeconfig(Path dir) throws IOException {
        URI url = URI.create(server.url("/"));
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: bench
                  cluster: {server: "http://%s:%d"}
                users:
                - name: agent
                  user: {token: bench-not-a-secret}
                contexts:
                - name: bench
                  context: {cluster: bench, user: agent}
                current-context: bench
                """.formatted(url.getHost(), url.getPort());
        return Files.writeString(dir.resolve("kubeconfig"), yaml);
    }

    /** Creates node {@code node}'s assignment listing every pod of the fleet under one config. */
    public void assign(String node, PodFleet pods, int checkIntervalSeconds, URI s3Endpoint) {
        ProfilingAssignment assignment = new ProfilingAssignment();
        assignment.setMetadata(new ObjectMetaBuilder().withName(node).build());
        ProfilingAssignmentSpec spec = new ProfilingAssignmentSpec();
        spec.setNodeName(node);
        spec.setConfigs(new ArrayList<>(List.of(config(checkIntervalSeconds, s3Endpoint))));
        List<AssignedTarget> targets = new ArrayList<>();
        for (int i = 0; i < pods.count(); i++) {
            targets.add(target(node, i, pods.port()));
        }
        spec.setTargets(targets);
        assignment.setSpec(spec);
        client.resources(ProfilingAssignment.class).resource(assignment).create();
    }

    /** Sets capture tokens on the node's targets in one write (null leaves a target's token as it is). */
    public void requestCaptures(String node, IntFunction<String> tokenOfPod) {
        // The agent writes the status of the same object: a conflicting write is retried on a fresh read.
        for (int attempt = 1; ; attempt++) {
            try {
                writeTokens(node, tokenOfPod);
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private void writeTokens(String node, IntFunction<String> tokenOfPod) {
        client.resources(ProfilingAssignment.class).withName(node).edit(assignment -> {
            List<AssignedTarget> targets = assignment.getSpec().getTargets();
            for (int i = 0; i < targets.size(); i++) {
                String token = tokenOfPod.apply(i);
                if (token != null) {
                    targets.get(i).setCaptureToken(token);
                }
            }
            return assignment;
        });
    }

    private static AssignedConfig config(int checkIntervalSeconds, URI s3Endpoint) {
        AssignedConfig config = new AssignedConfig();
        config.setNamespace(NAMESPACE);
        config.setName(CONFIG);
        config.setGeneration(1L);
        // cooldown 300 s (the default): each crossing uses a pod that has not been captured yet
        config.setThresholds(new Thresholds(80, 90, checkIntervalSeconds, 300));
        config.setOnDemand(new OnDemand(false, 35));
        config.setS3Config(new S3Config(BUCKET, "profiles", "us-east-1", s3Endpoint.toString(), true));
        config.setProfileTypes(new ArrayList<>(TYPES));
        config.setCpuProfileSeconds(1);
        return config;
    }

    private static AssignedTarget target(String node, int i, int port) {
        AssignedTarget target = new AssignedTarget();
        target.setNamespace(NAMESPACE);
        target.setName(PodFleet.name(i));
        target.setUid("uid-" + PodFleet.name(i));
        target.setPodIP(PodFleet.ip(i));
        target.setPort(port);
        target.setPath("/debug/pprof");
        target.setService("bench-svc");
        target.setLabels(Map.of("app", "bench-svc", "node", node));
        target.setConfigs(new ArrayList<>(List.of(NAMESPACE + "/" + CONFIG)));
        target.setCpuCores(UsageModel.CPU_LIMIT_CORES);
        target.setCpuBasis("limit");
        target.setMemoryBytes(UsageModel.MEMORY_LIMIT_BYTES);
        target.setMemoryBasis("limit");
        return target;
    }

    public KubernetesClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
