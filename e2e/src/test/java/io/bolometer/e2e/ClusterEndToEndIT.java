package io.bolometer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.testing.Await;
import io.bolometer.testing.S3TestServer;
import io.bolometer.agent.testing.SampleApp;
import io.bolometer.agent.testing.GoToolchain;
import io.bolometer.testing.SummaryJson;
import io.bolometer.agent.upload.SinkRegistry;
import io.bolometer.coordinator.testing.Kubectl;
import io.bolometer.coordinator.testing.RealApiServer;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The whole product on one machine: a real kube-apiserver + etcd, the coordinator, two node agents (each with a
 * fake kubelet over TLS), Go sample apps on loopback addresses playing pods, and an embedded S3 server; the user
 * drives it with the real kubectl.
 */
class ClusterEndToEndIT {
    @RegisterExtension
    static final RealApiServer API = new RealApiServer();
    private static final String NS = "shop";
    private static final String BUCKET = "e2e-profiles";

    @TempDir
    static Path dir;
    private static Vertx vertx;
    private static KubernetesClient client;
    private static S3TestServer s3;
    private static final Map<String, SampleApp> apps = new ConcurrentHashMap<>();
    private static final Map<String, Long> cpuMillicores = new ConcurrentHashMap<>();
    private static final List<E2eAgent> agents = new ArrayList<>();
    private static final List<AutoCloseable> closeables = new ArrayList<>();
    private static final long START_NANOS = System.nanoTime();

    @BeforeAll
    static void startCluster() throws Exception {
        S3TestServer.useTestCredentials();
        vertx = Vertx.vertx();
        client = API.client();
        API.installCrds();
        s3 = S3TestServer.shared();
        s3.createBucket(BUCKET);
        for (String ns : List.of(NS, "bolometer-system")) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        }
        for (String node : List.of("node-a", "node-b")) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata()
                    .withNewStatus().addToAllocatable("cpu", new Quantity("4")).addToAllocatable("memory", new Quantity("16Gi"))
                    .endStatus().build()).create();
        }
        startPod("checkout-a1", "node-a", "127.0.0.71");
        startPod("checkout-a2", "node-a", "127.0.0.72");
        startPod("checkout-b1", "node-b", "127.0.0.73");
        for (String node : List.of("node-a", "node-b")) {
            startAgent(node);
        }
        closeables.add(E2eCoordinator.start(client, List.of(s3.endpoint().toString())));
    }

    @AfterAll
    static void stopCluster() {
        agents.forEach(E2eAgent::close);
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort
            }
        }
        apps.values().forEach(SampleApp::close);
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static void startPod(String name, String node, String ip) {
        SampleApp app = SampleApp.start(ip);
        apps.put(name, app);
        cpuMillicores.put(name, 50L);
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .addToLabels("app", "checkout")
                .addToAnnotations("profiling.io/enabled", "true")
                .addToAnnotations("profiling.io/port", Integer.toString(app.baseUrl().getPort()))
                .endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("app").withImage("sample-app:dev")
                .withNewResources().addToLimits("cpu", new Quantity("500m")).addToLimits("memory", new Quantity("512Mi"))
                .endResources().endContainer().endSpec().build();
        E2eAgent.createRunning(client, pod, ip);
    }

    private static void startAgent(String node) throws IOException {
        SinkRegistry sinks = new SinkRegistry();
        closeables.add(sinks);
        agents.add(E2eAgent.start(vertx, dir, node, client, () -> summary(node), sinks));
    }

    /** Each pod on the node, CPU counters advancing at the rate the test sets. */
    private static String summary(String node) {
        Instant now = Instant.now();
        double seconds = (System.nanoTime() - START_NANOS) / 1e9;
        SummaryJson json = SummaryJson.node(node).at(now);
        for (String pod : apps.keySet()) {
            if (pod.startsWith("checkout-" + node.substring(node.length() - 1))) {
                long cpuNanos = (long) (seconds * cpuMillicores.get(pod) * 1_000_000);
                json.withPod(NS, pod, "uid", cpuNanos, 64L << 20, now);
            }
        }
        return json.build();
    }

    private static List<String> keysOf(String pod) {
        return s3.client().listObjectsV2(r -> r.bucket(BUCKET)).contents().stream().map(S3Object::key)
                .filter(k -> k.contains("-" + pod + "-")).sorted().toList();
    }

    private static ProfilingAssignment assignment(String node) {
        return client.resources(ProfilingAssignment.class).withName(node).get();
    }

    private static List<String> targetsOn(String node) {
        ProfilingAssignment assignment = assignment(node);
        return assignment == null ? List.of()
                : assignment.getSpec().getTargets().stream().map(t -> t.getName()).sorted().toList();
    }

    /** The {@code ProfileCaptured} Events on a pod, as {@code kubectl get events} prints them. */
    private static String profileCapturedEvents(String pod) {
        return API.kubectl().run("get", "events", "-n", NS, "--field-selector",
                "reason=ProfileCaptured,involvedObject.name=" + pod).stdout();
    }

    /** {@code kubectl bolometer ARGS}: the real kubectl finding the plugin from scripts/ on the PATH. */
    private static Kubectl.Result plugin(String... args) {
        Kubectl kubectl = API.kubectl();
        List<String> command = new ArrayList<>(List.of(kubectl.binary().toString(), "bolometer"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("PATH", GoToolchain.repoRoot().resolve("scripts") + ":"
                + kubectl.binary().getParent() + ":" + System.getenv("PATH"));
        builder.environment().put("KUBECONFIG", API.kubeconfigFile().toString());
        try {
            Path out = Files.createTempFile(dir, "plugin", ".out");
            Path err = Files.createTempFile(dir, "plugin", ".err");
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(150, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kubectl bolometer " + String.join(" ", args) + " did not finish in 150 s");
            }
            return new Kubectl.Result(command, process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void profilesTheHotPodOnItsNodeAndFollowsTheUsersKubectlChanges() throws Exception {
        Kubectl kubectl = API.kubectl();
        Path config = Files.writeString(dir.resolve("config.yaml"), """
                apiVersion: profiling.io/v1alpha1
                kind: ProfilingConfig
                metadata: {name: checkout, namespace: shop}
                spec:
                  selector: {namespace: shop, labelSelector: {app: checkout}}
                  thresholds: {cpuThresholdPercent: 80, memoryThresholdPercent: 90, checkIntervalSeconds: 5, cooldownSeconds: 300}
                  s3Config: {bucket: %s, prefix: shop/profiles, region: us-east-1, endpoint: '%s', forcePathStyle: true}
                  profileTypes: [cpu, heap]
                  cpuProfileSeconds: 2
                """.formatted(BUCKET, s3.endpoint()));
        assertThat(kubectl.run("apply", "-f", config.toString()).succeeded()).isTrue();

        Await.until(Duration.ofSeconds(30), "an assignment per node",
                () -> targetsOn("node-a").equals(List.of("checkout-a1", "checkout-a2"))
                        && targetsOn("node-b").equals(List.of("checkout-b1")),
                () -> "node-a " + targetsOn("node-a") + ", node-b " + targetsOn("node-b"));

        // Heat checkout-a1: 0.45 cores of 0.5 = 90 % of its limit.
        apps.get("checkout-a1").burn(true);
        cpuMillicores.put("checkout-a1", 450L);
        Await.until(Duration.ofSeconds(40), "cpu and heap profiles of checkout-a1 in S3",
                () -> keysOf("checkout-a1").size() == 2, () -> keysOf("checkout-a1").toString());
        String key = keysOf("checkout-a1").get(0);
        Map<String, String> meta = s3.client().headObject(r -> r.bucket(BUCKET).key(key)).metadata();
        assertThat(key).matches("shop/profiles/\\d{4}-\\d{2}-\\d{2}/checkout/\\d{14}-checkout-a1-(cpu|heap)\\.pprof");
        assertThat(meta).containsEntry("node", "node-a").containsEntry("reason", "threshold-exceeded")
                .containsEntry("pod-namespace", NS).containsEntry("label-app", "checkout");
        assertThat(keysOf("checkout-a2")).isEmpty();
        assertThat(keysOf("checkout-b1")).isEmpty();

        Await.until(Duration.ofSeconds(40), "kubectl get pcfg to show the captures",
                () -> kubectl.run("get", "pcfg", "-n", NS, "checkout", "--no-headers").stdout().strip().matches("checkout\\s+3\\s+2\\s+.*"),
                () -> kubectl.run("get", "pcfg", "-n", NS).stdout());

        // Insight where the user looks: kubectl describe pcfg lists the hot capture, one Event on the hot pod.
        String hotCpu = keysOf("checkout-a1").stream().filter(k -> k.endsWith("-cpu.pprof")).findFirst().orElseThrow();
        String hotTop = s3.client().headObject(r -> r.bucket(BUCKET).key(hotCpu)).metadata().get("top-function");
        assertThat(hotTop).as("the cpu profile's top function in its metadata").isNotBlank();
        Await.until(Duration.ofSeconds(40), "kubectl describe pcfg to list the hot capture",
                () -> kubectl.run("describe", "pcfg", "-n", NS, "checkout").stdout().contains("s3://" + BUCKET + "/" + hotCpu),
                () -> kubectl.run("describe", "pcfg", "-n", NS, "checkout").stdout());
        assertThat(kubectl.run("describe", "pcfg", "-n", NS, "checkout").stdout()).contains("Recent Captures:")
                .containsPattern("Top:\\s+" + java.util.regex.Pattern.quote(hotTop))
                .containsPattern("Evidence:\\s+cpu [0-9.]+% of limit \u2265 80%").containsPattern("Grew:\\s+\\S")
                .containsPattern("Reason:\\s+threshold-exceeded");
        System.out.println("kubectl describe pcfg -n shop checkout:\n" + kubectl.run("describe", "pcfg", "-n", NS,
                "checkout").stdout());
        Await.until(Duration.ofSeconds(30), "a ProfileCaptured Event on checkout-a1",
                () -> profileCapturedEvents("checkout-a1").contains("ProfileCaptured"),
                () -> profileCapturedEvents("checkout-a1"));
        assertThat(profileCapturedEvents("checkout-a1").lines().filter(l -> l.contains("ProfileCaptured")))
                .as("one Event for the capture of two profile types").singleElement().asString()
                .contains("s3://" + BUCKET + "/" + hotCpu).contains("cpu ").contains("of limit").contains("top " + hotTop);

        // One-shot capture of a cool pod with the kubectl plugin, which waits for it and prints its URIs.
        Kubectl.Result captured = plugin("capture", "checkout-a2", "-n", NS, "--wait", "--timeout", "90s");
        assertThat(captured.exitCode()).as("%s", captured).isZero();
        System.out.println("kubectl bolometer capture checkout-a2 -n shop --wait:\n" + captured.stdout());
        assertThat(keysOf("checkout-a2")).hasSize(2);
        for (String requested : keysOf("checkout-a2")) {
            assertThat(captured.stdout()).contains("s3://" + BUCKET + "/" + requested);
            assertThat(s3.client().headObject(r -> r.bucket(BUCKET).key(requested)).metadata())
                    .containsEntry("reason", "requested");
        }
        assertThat(captured.stdout()).contains("Captured shop/checkout-a2 at ").contains("top: ").contains("grew: ");
        Await.until(Duration.ofSeconds(30), "a ProfileCaptured Event on checkout-a2",
                () -> profileCapturedEvents("checkout-a2").contains("requested: s3://"),
                () -> profileCapturedEvents("checkout-a2"));
        assertThat(plugin("last", "checkout-a2", "-n", NS).stdout()).contains("s3://" + BUCKET + "/" + keysOf("checkout-a2").get(0))
                .contains("requested").doesNotContain("checkout-a1");
        assertThat(plugin("last", "-n", NS).stdout()).contains("checkout-a1").contains("checkout-a2");
        // --types: only the heap profile this time (profiling.io/capture-types, carried into the assignment).
        Kubectl.Result heapOnly = plugin("capture", "checkout-a2", "-n", NS, "--types", "heap", "--wait", "--timeout", "90s");
        assertThat(heapOnly.exitCode()).as("%s", heapOnly).isZero();
        assertThat(keysOf("checkout-a2")).hasSize(3).filteredOn(k -> k.endsWith("-heap.pprof")).hasSize(2);
        String newHeap = keysOf("checkout-a2").stream().filter(k -> !heapOnly.stdout().isEmpty()
                && heapOnly.stdout().contains("s3://" + BUCKET + "/" + k)).collect(java.util.stream.Collectors.joining());
        assertThat(newHeap).as("%s", heapOnly).endsWith("-heap.pprof").doesNotContain("-cpu.pprof");
        assertThat(plugin("capture", "checkout-a2", "-n", NS, "--types", "goroutine").stderr())
                .contains("ProfilingConfig shop/checkout profiles only cpu heap: none of --types goroutine");
        E2eAgent.createRunning(client, new PodBuilder().withNewMetadata().withName("not-opted-in").withNamespace(NS)
                .addToLabels("app", "checkout").endMetadata().withNewSpec().withNodeName("node-a").addNewContainer()
                .withName("app").withImage("sample-app:dev").endContainer().endSpec().build(), "127.0.0.79");
        assertThat(plugin("capture", "not-opted-in", "-n", NS)).satisfies(r -> assertThat(r.exitCode()).isOne())
                .extracting(Kubectl.Result::stderr).asString().contains("pod shop/not-opted-in is not opted in");
        E2eAgent.createRunning(client, new PodBuilder().withNewMetadata().withName("unselected").withNamespace(NS)
                .addToLabels("app", "cart").addToAnnotations("profiling.io/enabled", "true").endMetadata()
                .withNewSpec().withNodeName("node-a").addNewContainer().withName("app").withImage("sample-app:dev")
                .endContainer().endSpec().build(), "127.0.0.78");
        assertThat(plugin("capture", "unselected", "-n", NS)).satisfies(r -> assertThat(r.exitCode()).isOne())
                .extracting(Kubectl.Result::stderr).asString().contains("no ProfilingConfig selects pod shop/unselected");

        // Deleting the only pod on node-b removes node-b's assignment.
        assertThat(kubectl.run("delete", "pod", "-n", NS, "checkout-b1", "--grace-period=0", "--force").exitCode()).isZero();
        Await.until(Duration.ofSeconds(30), "node-b's assignment to go", () -> assignment("node-b") == null);

        assertThat(kubectl.run("describe", "pcfg", "-n", NS, "checkout").stdout()).contains("Assigned");

        // Deleting the config removes every assignment.
        assertThat(kubectl.run("delete", "pcfg", "-n", NS, "checkout").succeeded()).isTrue();
        Await.until(Duration.ofSeconds(30), "all assignments to go",
                () -> client.resources(ProfilingAssignment.class).list().getItems().isEmpty());
    }
}
