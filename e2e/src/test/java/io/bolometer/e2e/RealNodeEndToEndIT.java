package io.bolometer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bolometer.testing.Await;
import io.bolometer.agent.testing.GoToolchain;
import io.bolometer.agent.testing.PprofTool;
import io.bolometer.testing.S3TestServer;
import io.bolometer.agent.testing.Scrape;
import io.bolometer.agent.testing.ToggleableProxy;
import io.bolometer.coordinator.testing.Kubectl;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The README's cluster story on a real node: {@code helm install} with the images built here, the examples applied
 * with kubectl, a sample-app pod made hot through its pod IP, and the profiles in S3 (s3mock behind a proxy on the
 * node's address, so pods reach it over the bridge and the test can stop it). Each step builds on the one before.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealNodeEndToEndIT {
    @RegisterExtension
    static final RealNode NODE = new RealNode();

    static final String NS = "bolometer-system";
    static final String BUCKET = "my-profiling-bucket";
    static final String CONFIG = "sample-app-threshold";
    static final String PREFIX = "default/profiles";
    static final String AGENT_DS = "bolometer-agent";
    static final Duration CAPTURE_WAIT = Duration.ofMinutes(3);
    /** heap, cpu, goroutine, mutex: the example config's profileTypes. */
    static final int TYPES = 4;
    /** Each upload (headers + a few KiB, a few requests) then takes seconds: the drain has work to finish. */
    static final long SLOW_STORE_BYTES_PER_SECOND = 1000;

    static S3TestServer s3;
    static ToggleableProxy s3Proxy;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final NodeFigures FIGURES = new NodeFigures();
    static String hotPod;
    static String idlePod;

    @BeforeAll
    static void startS3OnTheNodeAddress() {
        s3 = S3TestServer.shared();
        s3.createBucket(BUCKET);
        s3Proxy = ToggleableProxy.start(NODE.nodeIp(), s3.port());
    }

    @AfterAll
    static void uninstallAndStopS3() {
        Kubectl kubectl = NODE.kubectl();
        if (kubectl != null) {
            saveLogs(kubectl);
            kubectl.run(null, Duration.ofMinutes(2), "delete", "-f", repo("examples/target-app.yaml").toString(),
                    "--ignore-not-found", "--wait=true");
            kubectl.run(null, Duration.ofMinutes(2), "delete", "pcfg", "--all", "-A", "--ignore-not-found");
            helmUninstall();
            kubectl.run(null, Duration.ofMinutes(2), "delete", "-f", repo("deploy/bolometer.yaml").toString(),
                    "--ignore-not-found", "--wait=true");
            kubectl.run(null, Duration.ofMinutes(2), "delete", "namespace", NS, "--ignore-not-found", "--wait=true");
        }
        if (s3Proxy != null) {
            s3Proxy.close();
        }
        FIGURES.write(repo("e2e/target/real-node-figures.json"));
    }

    @Test
    @Order(1)
    void helmInstallsTheChartWithTheImagesBuiltHere() throws IOException {
        Instant started = Instant.now();
        Release release = new Helm(repo("helm/bolometer")).install().withName("bolometer").withNamespace(NS)
                .createNamespace().withKubeConfig(NODE.kubeconfig())
                .set("coordinator.image.repository", "bolometer/coordinator").set("coordinator.image.tag", "dev")
                .set("coordinator.image.pullPolicy", "Never")
                .set("agent.image.repository", "bolometer/node-agent").set("agent.image.tag", "dev")
                .set("agent.image.pullPolicy", "Never")
                .set("s3.allowedEndpoints[0]", s3Endpoint())
                .set("agent.awsRegion", S3TestServer.REGION)
                .set("logging.format", "json").set("logging.level", "DEBUG")
                // room for the drain to finish uploads to a slow store (the chart's knob for slow stores)
                .set("agent.shutdownGraceSeconds", "60")
                .set("agent.extraEnv[0].name", "AWS_ACCESS_KEY_ID").set("agent.extraEnv[0].value", "node-it-key")
                .set("agent.extraEnv[1].name", "AWS_SECRET_ACCESS_KEY").set("agent.extraEnv[1].value", "node-it-secret")
                .waitReady().withTimeout(300).call();

        assertThat(release.getStatus()).isEqualTo("deployed");
        Await.until(Duration.ofMinutes(2), "the agent is Ready", () -> ready(agentPod()));
        Pod agent = agentPod();
        assertThat(agent.getSpec().getNodeName()).isEqualTo(NODE.nodeName());
        assertThat(NODE.client().apps().deployments().inNamespace(NS).withName("bolometer-coordinator").get()
                .getStatus().getReadyReplicas()).isEqualTo(2);
        FIGURES.put("helm_install_to_ready_seconds", seconds(started, Instant.now()));
        FIGURES.put("agent_pod_created_to_ready_seconds", createdToReady(agent));
        Await.until(Duration.ofSeconds(60), "a coordinator holds the lease",
                () -> NODE.client().leases().inNamespace(NS).withName("bolometer-coordinator").get() != null);
        var lease = NODE.client().leases().inNamespace(NS).withName("bolometer-coordinator").get();
        Pod leader = NODE.client().pods().inNamespace(NS).withName(lease.getSpec().getHolderIdentity()).get();
        Instant containerStarted = Instant.parse(leader.getStatus().getContainerStatuses().get(0).getState()
                .getRunning().getStartedAt());
        FIGURES.put("coordinator_start_to_leading_seconds",
                seconds(containerStarted, lease.getSpec().getAcquireTime().toInstant()));
        FIGURES.put("agent_working_set_idle_mib", agentWorkingSetMiB());
        assertJsonLogs(agent.getMetadata().getName(), NODE.nodeName());
        assertJsonLogs(leader.getMetadata().getName(), null);
    }

    /** LOG_FORMAT=json from the chart: every line one JSON object with level, logger, message and node. */
    static void assertJsonLogs(String pod, String node) throws IOException {
        Kubectl.Result logs = NODE.kubectl().run("logs", pod, "-n", NS);
        assertThat(logs.succeeded()).as(logs.toString()).isTrue();
        List<String> lines = logs.stdout().lines().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS")).toList();
        assertThat(lines).as(logs.toString()).isNotEmpty();
        for (String line : lines) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.path("level").asText()).as(line).isIn("ERROR", "WARN", "INFO", "DEBUG");
            assertThat(event.path("loggerName").asText()).as(line).startsWith("io.");
            assertThat(event.path("formattedMessage").asText()).as(line).isNotEmpty();
            if (node != null) {
                assertThat(event.path("context").path("properties").path("node").asText()).as(line).isEqualTo(node);
            }
        }
    }

    @Test
    @Order(2)
    void theExamplesApplyAsAUserAppliesThem() {
        Kubectl kubectl = NODE.kubectl();
        assertThat(kubectl.run("apply", "-f", repo("examples/target-app.yaml").toString()).succeeded()).isTrue();
        assertThat(kubectl.run("apply", "-f", repo("examples/profilingconfig-threshold.yaml").toString()).succeeded())
                .isTrue();
        // what a user sets for an S3-compatible store reachable from the pods (docs/configuration.md)
        String patch = """
                {"spec": {"s3Config": {"bucket": "%s", "prefix": "%s", "endpoint": "%s", "forcePathStyle": true,
                          "region": "%s"},
                          "thresholds": {"checkIntervalSeconds": 15}}}""".formatted(BUCKET, PREFIX, s3Endpoint(),
                S3TestServer.REGION);
        Kubectl.Result patched = kubectl.run("patch", "pcfg", CONFIG, "-n", "default", "--type", "merge", "-p", patch);
        assertThat(patched.succeeded()).as(patched.toString()).isTrue();
        Kubectl.Result rolled = kubectl.run(null, Duration.ofMinutes(3), "rollout", "status", "deployment/sample-app",
                "-n", "default", "--timeout=170s");
        assertThat(rolled.succeeded()).as(rolled.toString()).isTrue();
        Await.until(Duration.ofSeconds(90), "the config matches both sample-app pods",
                () -> matchedPods() == 2, () -> kubectl.run("get", "pcfg", "-A", "-o", "wide").toString());
        List<Pod> pods = sampleAppPods();
        hotPod = pods.get(0).getMetadata().getName();
        idlePod = pods.get(1).getMetadata().getName();
    }

    @Test
    @Order(3)
    void aPodMadeHotThroughItsPodIpIsProfiledFromTheRealKubeletsStats() throws Exception {
        Pod hot = NODE.client().pods().inNamespace("default").withName(hotPod).get();
        String base = "http://" + hot.getStatus().getPodIP() + ":6060";
        assertThat(get(base + "/burn?on=1&workers=2").statusCode()).isEqualTo(200);
        try {
            Await.until(CAPTURE_WAIT, "a threshold capture of " + hotPod + " in S3",
                    () -> complete(capturesOf(hotPod, "threshold-exceeded")) >= 1, () -> keys().toString());
        } finally {
            get(base + "/burn?on=0");
        }
        List<String> capture = capturesOf(hotPod, "threshold-exceeded").values().stream()
                .filter(c -> c.size() == TYPES).findFirst().orElseThrow();
        assertThat(capture).extracting(RealNodeEndToEndIT::type).contains("cpu", "heap", "goroutine", "mutex");
        String cpuKey = capture.stream().filter(k -> type(k).equals("cpu")).findFirst().orElseThrow();
        assertThat(cpuKey).matches(PREFIX + "/\\d{4}-\\d{2}-\\d{2}/sample-app/\\d{14}-" + hotPod + "-cpu\\.pprof");
        HeadObjectResponse head = s3.client().headObject(b -> b.bucket(BUCKET).key(cpuKey));
        assertThat(head.metadata()).containsEntry("pod-name", hotPod).containsEntry("pod-namespace", "default")
                .containsEntry("node", NODE.nodeName()).containsEntry("reason", "threshold-exceeded")
                .containsEntry("profile-type", "cpu").containsEntry("service", "sample-app");
        Path cpu = NODE.workDir().resolve("hot-cpu.pprof");
        Files.write(cpu, s3.getObject(BUCKET, cpuKey).asByteArray());
        String top = PprofTool.top(cpu);
        assertThat(top).contains("main.burnCPU");
        assertThat(keys()).noneMatch(k -> k.contains("-" + idlePod + "-"));
        writeDemoTranscript(capture, top);
        FIGURES.put("agent_working_set_after_captures_mib", agentWorkingSetMiB());
    }

    @Test
    @Order(4)
    void anAnnotationAsksForOneCaptureAndKubectlShowsIt() {
        Kubectl kubectl = NODE.kubectl();
        annotate(idlePod, "node-it-1");
        Await.until(CAPTURE_WAIT, "a requested capture of " + idlePod,
                () -> complete(capturesOf(idlePod, "requested")) == 1, () -> keys().toString());
        Await.until(Duration.ofSeconds(60), "the config's status counts the captures",
                () -> NODE.client().resources(ProfilingConfig.class).inNamespace("default").withName(CONFIG).get()
                        .getStatus().getCapturesTotal() >= 8);
        Kubectl.Result get = kubectl.run("get", "pcfg", CONFIG, "-n", "default", "--no-headers");
        assertThat(List.of(get.stdout().trim().split("\\s+"))).as(get.toString()).element(1).isEqualTo("2");
        Kubectl.Result describe = kubectl.run("describe", "pcfg", CONFIG, "-n", "default");
        assertThat(describe.stdout()).as(describe.toString()).containsPattern("Type:\\s+Valid")
                .containsPattern("Type:\\s+Ready").doesNotContain("Status:  False");
        // Insight: describe lists the requested capture (its s3:// URI and top function), and the pod got one
        // ProfileCaptured Event for it (one per capture, whatever the number of profile types).
        List<String> requested = capturesOf(idlePod, "requested").values().iterator().next();
        // The idle pod's cpu profile may have no samples (no top); its goroutine profile always has some.
        String listedKey = requested.stream().filter(k -> k.endsWith("-goroutine.pprof")).findFirst()
                .orElseThrow(() -> new AssertionError("no goroutine profile among " + requested));
        String top = s3.client().headObject(b -> b.bucket(BUCKET).key(listedKey)).metadata().get("top-function");
        assertThat(top).as("top-function of " + listedKey).isNotBlank();
        Await.until(Duration.ofSeconds(60), "kubectl describe pcfg to list the requested capture",
                () -> kubectl.run("describe", "pcfg", CONFIG, "-n", "default").stdout()
                        .contains("s3://" + BUCKET + "/" + listedKey),
                () -> kubectl.run("describe", "pcfg", CONFIG, "-n", "default").stdout());
        assertThat(kubectl.run("describe", "pcfg", CONFIG, "-n", "default").stdout())
                .containsPattern("Top:\\s+" + java.util.regex.Pattern.quote(top))
                .containsPattern("Reason:\\s+requested");
        Await.until(Duration.ofSeconds(60), "a ProfileCaptured Event on " + idlePod,
                () -> kubectl.run("get", "events", "-n", "default", "--field-selector",
                        "reason=ProfileCaptured,involvedObject.name=" + idlePod).stdout().contains("requested: s3://"),
                () -> kubectl.run("get", "events", "-n", "default").stdout());
        Kubectl.Result events = kubectl.run("get", "events", "-n", "default", "--field-selector",
                "reason=ProfileCaptured,involvedObject.name=" + idlePod, "--no-headers");
        assertThat(events.stdout().lines().filter(l -> l.contains("ProfileCaptured"))).as(events.toString())
                .singleElement().asString().contains("requested: s3://" + BUCKET + "/").contains(" top ");
    }

    @Test
    @Order(5)
    void theDashboardShowsTheRealNodeFromAPrometheusScrapingThePods() throws Exception {
        List<DashboardCheck.Target> targets = new java.util.ArrayList<>();
        targets.add(new DashboardCheck.Target("bolometer-agent", agentPod().getStatus().getPodIP() + ":8080", NODE.nodeName()));
        NODE.client().pods().inNamespace(NS).withLabel("app.kubernetes.io/component", "coordinator").list().getItems()
                .forEach(p -> targets.add(new DashboardCheck.Target("bolometer-coordinator-" + targets.size(),
                        p.getStatus().getPodIP() + ":8080", NODE.nodeName())));
        Path dir = Files.createDirectories(NODE.workDir().resolve("prometheus"));
        try (DashboardCheck prometheus = DashboardCheck.start(dir, targets)) {
            prometheus.awaitScrapes(8);
            assertThat(prometheus.assertEveryPanelReturnsData(NODE.nodeName())).isGreaterThanOrEqualTo(15);
        }
    }

    @Test
    @Order(6)
    void spooledProfilesSurviveAnAgentContainerKillAndReachS3Once() {
        long before = complete(capturesOf(idlePod, "requested"));
        s3Proxy.refuse();
        annotate(idlePod, "node-it-2");
        Await.until(CAPTURE_WAIT, "the requested capture waits in the agent's spool",
                () -> agentMetric("profiling_spool_profiles", "") >= 4);
        Pod agent = agentPod();
        ContainerStatus container = agent.getStatus().getContainerStatuses().get(0);
        String containerId = container.getContainerID().replaceFirst("^containerd://", "");
        RealNode.Script killed = NODE.ctr("tasks", "kill", "--signal", "SIGKILL", containerId);
        assertThat(killed.exitCode()).as(killed.toString()).isZero();
        Await.until(Duration.ofMinutes(2), "the kubelet restarts the agent's container",
                () -> restarts(agentPod()) > container.getRestartCount() && ready(agentPod()));
        assertThat(agentPod().getMetadata().getUid()).isEqualTo(agent.getMetadata().getUid());
        s3Proxy.accept();
        Await.until(CAPTURE_WAIT, "every profile of the spooled capture reaches S3",
                () -> complete(capturesOf(idlePod, "requested")) == before + 1, () -> keys().toString());
        Await.until(Duration.ofSeconds(60), "the spool is empty", () -> agentMetric("profiling_spool_profiles", "") == 0);
        // the restarted agent knew the token was handled: no second capture for it, and every type once
        assertThat(capturesOf(idlePod, "requested")).hasSize((int) before + 1);
        assertThat(capturesOf(idlePod, "requested").values()).allSatisfy(capture ->
                assertThat(capture).extracting(RealNodeEndToEndIT::type).doesNotHaveDuplicates().hasSize(TYPES));
    }

    @Test
    @Order(7)
    void aRolloutRestartDrainsTheSpoolWithinTheGracePeriod() {
        long before = complete(capturesOf(idlePod, "requested"));
        // a slow store (not a refused one: see the closing note on the CRT after refused connections): the
        // capture's uploads are still in flight when SIGTERM comes, and only the old pod can finish them
        s3Proxy.throttle(SLOW_STORE_BYTES_PER_SECOND);
        double captures = agentMetric("profiling_captures_total", "reason=\"requested\"");
        annotate(idlePod, "node-it-3");
        Await.until(CAPTURE_WAIT, "the capture is taken and its uploads are under way",
                () -> agentMetric("profiling_captures_total", "reason=\"requested\"") >= captures + TYPES
                        && agentMetric("profiling_spool_profiles", "") >= 1);
        Pod old = agentPod();
        System.out.println("Before the rollout restart, the agent's metrics:\n" + agentScrape().orElse("(none)"));
        Instant restart = Instant.now();
        Kubectl.Result rollout = NODE.kubectl().run("rollout", "restart", "daemonset/" + AGENT_DS, "-n", NS);
        assertThat(rollout.succeeded()).as(rollout.toString()).isTrue();
        AtomicReference<Instant> delivered = new AtomicReference<>();
        AtomicReference<String> oldLogs = new AtomicReference<>("");
        // the kubelet removes a deleted pod's log files right after its container exits: keep copying them
        Thread tail = new Thread(() -> {
            long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (System.nanoTime() < until && !Thread.currentThread().isInterrupted()) {
                String logs = containerLogs(old);
                if (logs.length() >= oldLogs.get().length()) {
                    oldLogs.set(logs);
                }
                try {
                    Thread.sleep(50); // pacing a copy loop, not waiting for a condition
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "old-agent-log-tail");
        tail.setDaemon(true);
        tail.start();
        Await.until(Duration.ofMinutes(2), "the old agent's spool reaches S3 and the pod is replaced", () -> {
            if (delivered.get() == null && complete(capturesOf(idlePod, "requested")) == before + 1) {
                delivered.set(Instant.now());
            }
            Pod current = agentPod();
            return delivered.get() != null && current != null
                    && !current.getMetadata().getUid().equals(old.getMetadata().getUid()) && ready(current);
        }, () -> "delivered " + delivered.get() + ", keys " + keys() + "\n--- old agent's log\n" + oldLogs.get());
        Await.until(Duration.ofSeconds(30), "the old agent's log ends", () -> oldLogs.get().contains("Shut down with"));
        tail.interrupt();
        s3Proxy.throttle(0);
        long grace = old.getSpec().getTerminationGracePeriodSeconds();
        assertThat(seconds(restart, delivered.get())).isLessThan(grace);
        // the new pod's emptyDir is new: only the old agent, after SIGTERM, can have delivered them
        assertThat(oldLogs.get()).contains("Shutting down: finishing running captures and draining the spool");
        assertThat(capturesOf(idlePod, "requested").values()).allSatisfy(capture ->
                assertThat(capture).extracting(RealNodeEndToEndIT::type).doesNotHaveDuplicates().hasSize(4));
        FIGURES.put("rollout_restart_to_spool_delivered_seconds", seconds(restart, delivered.get()));
    }

    @Test
    @Order(8)
    void installShInstallsForRealAndFindsOneAgentPerNode() throws IOException {
        helmUninstall();
        Await.until(Duration.ofMinutes(2), "the helm release's pods are gone",
                () -> NODE.client().pods().inNamespace(NS).list().getItems().isEmpty());
        // the rendered manifests name the published images: give the local ones those names, as a mirror would
        String version = Files.readAllLines(repo("helm/bolometer/Chart.yaml")).stream()
                .filter(l -> l.startsWith("appVersion:")).findFirst().orElseThrow()
                .replaceAll("appVersion:\\s*\"?([^\"]+)\"?", "$1").trim();
        for (String image : List.of("coordinator", "node-agent")) {
            RealNode.Script tagged = NODE.ctr("images", "tag", "--force", "docker.io/bolometer/" + image + ":dev",
                    "ghcr.io/bolometer/bolometer-" + image + ":" + version);
            assertThat(tagged.exitCode()).as(tagged.toString()).isZero();
        }
        RealNode.Script install = RealNode.run(Duration.ofMinutes(8), GoToolchain.repoRoot(), List.of("env",
                "KUBECONFIG=" + NODE.kubeconfig(), "PATH=" + NODE.binary("kubectl").getParent() + ":/usr/bin:/bin",
                "bash", "./install.sh", "--bucket", BUCKET, "--region", S3TestServer.REGION, "--method", "kubectl",
                "--timeout", "240s", "--yes"));
        assertThat(install.exitCode()).as(install.toString()).isZero();
        assertThat(install.stdout()).contains("may create everything Bolometer needs")
                .contains("1 of 1 agents ready (one per schedulable node)");
        assertThat(ready(agentPod())).isTrue();
    }

    // ---- helpers

    static Path repo(String path) {
        return GoToolchain.repoRoot().resolve(path);
    }

    static String s3Endpoint() {
        return "http://" + NODE.nodeIp().getHostAddress() + ":" + s3Proxy.port();
    }

    /** Every pod's logs (and the previous container's) and the events, for reading after a failure. */
    static void saveLogs(Kubectl kubectl) {
        Path dir = repo("e2e/target/real-node-logs");
        try {
            Files.createDirectories(dir);
            for (Pod pod : NODE.client().pods().inAnyNamespace().list().getItems()) {
                String name = pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getName();
                Files.writeString(dir.resolve(name + ".log"), kubectl.run("logs", pod.getMetadata().getName(), "-n",
                        pod.getMetadata().getNamespace(), "--all-containers").stdout());
                Files.writeString(dir.resolve(name + ".previous.log"), kubectl.run("logs", "--previous",
                        pod.getMetadata().getName(), "-n", pod.getMetadata().getNamespace(), "--all-containers").stdout());
            }
            Files.writeString(dir.resolve("events.txt"), kubectl.run("get", "events", "-A", "-o", "wide").stdout());
        } catch (IOException | RuntimeException e) {
            System.err.println("Could not save the node's logs: " + e);
        }
    }

    static void helmUninstall() {
        try {
            Helm.uninstall("bolometer").withNamespace(NS).withKubeConfig(NODE.kubeconfig()).ignoreNotFound().call();
        } catch (RuntimeException e) {
            System.err.println("helm uninstall: " + e.getMessage());
        }
    }

    static void annotate(String pod, String token) {
        Kubectl.Result annotated = NODE.kubectl().run("annotate", "pod", pod, "-n", "default", "--overwrite",
                "profiling.io/capture=" + token);
        assertThat(annotated.succeeded()).as(annotated.toString()).isTrue();
    }

    static Pod agentPod() {
        return NODE.client().pods().inNamespace(NS).withLabel("app.kubernetes.io/component", "agent").list().getItems()
                .stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).findFirst().orElse(null);
    }

    static List<Pod> sampleAppPods() {
        return NODE.client().pods().inNamespace("default").withLabel("app.kubernetes.io/name", "sample-app").list()
                .getItems().stream().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    }

    static int matchedPods() {
        ProfilingConfig config = NODE.client().resources(ProfilingConfig.class).inNamespace("default").withName(CONFIG).get();
        return config == null || config.getStatus() == null || config.getStatus().getMatchedPods() == null ? 0
                : config.getStatus().getMatchedPods();
    }

    static boolean ready(Pod pod) {
        return pod != null && pod.getStatus() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    static int restarts(Pod pod) {
        return pod == null ? 0 : pod.getStatus().getContainerStatuses().get(0).getRestartCount();
    }

    static double createdToReady(Pod pod) {
        Instant created = Instant.parse(pod.getMetadata().getCreationTimestamp());
        Optional<PodCondition> readyCondition = pod.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType())).findFirst();
        return seconds(created, Instant.parse(readyCondition.orElseThrow().getLastTransitionTime()));
    }

    static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    static List<String> keys() {
        return s3.client().listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(PREFIX + "/")).contents().stream()
                .map(S3Object::key).toList();
    }

    static String type(String key) {
        return key.substring(key.lastIndexOf('-') + 1, key.length() - ".pprof".length());
    }

    /** What {@code make cluster-demo} prints: what a user would look at after the hot pod was captured. */
    static void writeDemoTranscript(List<String> capture, String top) throws IOException {
        Kubectl kubectl = NODE.kubectl();
        StringBuilder out = new StringBuilder();
        out.append("==> Objects in s3://").append(BUCKET).append(" (s3mock) for the hot pod ").append(hotPod).append('\n');
        capture.forEach(k -> out.append("  ").append(k).append('\n'));
        out.append("\n==> kubectl get pcfg -A\n").append(kubectl.run("get", "pcfg", "-A").stdout());
        out.append("\n==> kubectl describe pcfg ").append(CONFIG).append(" -n default\n")
                .append(kubectl.run("describe", "pcfg", CONFIG, "-n", "default").stdout());
        out.append("\n==> go tool pprof -top (the CPU profile, first lines)\n");
        top.lines().limit(14).forEach(l -> out.append("  ").append(l).append('\n'));
        out.append("\n==> kubectl get pods -A -o wide\n").append(kubectl.run("get", "pods", "-A", "-o", "wide").stdout());
        Files.writeString(repo("e2e/target/real-node-demo.txt"), out.toString());
    }

    /** How many of these captures have every configured type. */
    static long complete(Map<String, List<String>> captures) {
        return captures.values().stream().filter(c -> c.size() == TYPES).count();
    }

    /** The keys of one pod's captures for one reason, grouped by capture (the key's timestamp). */
    static Map<String, List<String>> capturesOf(String pod, String reason) {
        return keys().stream().filter(k -> k.contains("-" + pod + "-"))
                .filter(k -> reason.equals(s3.client().headObject(b -> b.bucket(BUCKET).key(k)).metadata().get("reason")))
                .collect(Collectors.groupingBy(k -> k.substring(k.lastIndexOf('/') + 1, k.lastIndexOf('/') + 15)));
    }

    /** The kubelet's log files of a pod's containers (readable until the pod is removed; the test runs on the node). */
    static String containerLogs(Pod pod) {
        Path dir = Path.of("/var/log/pods", pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getName() + "_"
                + pod.getMetadata().getUid());
        try (var files = Files.walk(dir)) {
            StringBuilder out = new StringBuilder();
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.append(Files.readString(file));
            }
            return out.toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** The agent's /metrics, fetched from its pod IP; empty when there is no agent pod with an IP or it can't answer. */
    static Optional<String> agentScrape() {
        Pod agent = agentPod();
        if (agent == null || agent.getStatus().getPodIP() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(get("http://" + agent.getStatus().getPodIP() + ":8080/metrics").body());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static double agentMetric(String name, String labelFilter) {
        return agentScrape().map(scrape -> Scrape.sum(scrape, name, labelFilter)).orElse(-1.0);
    }

    /** The agent container's working set as the kubelet reports it (through the API server's node proxy). */
    static double agentWorkingSetMiB() {
        String summary = NODE.kubectl().run("get", "--raw", "/api/v1/nodes/" + NODE.nodeName() + "/proxy/stats/summary")
                .stdout();
        return KubeletStats.containerWorkingSetBytes(summary, NS, agentPod().getMetadata().getName(), "agent")
                / (1024.0 * 1024.0);
    }

    static HttpResponse<String> get(String url) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
