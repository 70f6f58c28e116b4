package io.bolometer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.cluster.ClusterAgent;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.testing.Await;
import io.bolometer.agent.testing.InMemoryProfileSink;
import io.bolometer.testing.Closing;
import io.bolometer.testing.SummaryJson;
import io.bolometer.agent.testing.ToggleableProxy;
import io.bolometer.coordinator.Coordinator;
import io.bolometer.coordinator.testing.AuditLog;
import io.bolometer.coordinator.testing.RealApiServer;
import io.bolometer.model.v1alpha1.AssignedConfig;
import io.bolometer.model.v1alpha1.AssignedTarget;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The cluster side of the API-server fault tests: a coordinator and two node agents (fake kubelets, in-memory
 * sinks; pods need no real process because nothing is hot and periodic captures are off) that reach the real API
 * server only through a {@link ToggleableProxy} the test can cut, an admin client that goes straight to the server,
 * and an independent record of every version of every assignment the server announced.
 */
final class FaultCluster implements AutoCloseable {
    static final String NS = "shop";
    static final String COORDINATOR_AGENT = "bolometer-coordinator/fault";

    /** Before the fault: the config with a 300 s cooldown; a1, a2 on node-a, b1 on node-b, c1 on node-c. */
    static final Map<String, String> SETTLED = Map.of("node-a", "cooldown=[300] pods=[a1, a2]",
            "node-b", "cooldown=[300] pods=[b1]", "node-c", "cooldown=[300] pods=[c1]");
    static final Map<String, String> SETTLED_AGENTS = Map.of("node-a", "cooldown=[300] pods=[a1, a2]",
            "node-b", "cooldown=[300] pods=[b1]");
    /** After the gap's changes: a3 added, b1 deleted, d1 added on node-d, the cooldown cut to 120 s. */
    static final Map<String, String> CHANGED = Map.of("node-a", "cooldown=[120] pods=[a1, a2, a3]",
            "node-c", "cooldown=[120] pods=[c1]", "node-d", "cooldown=[120] pods=[d1]");
    static final Map<String, String> CHANGED_AGENTS = Map.of("node-a", "cooldown=[120] pods=[a1, a2, a3]",
            "node-b", "none");

    /** One assignment version as an independent watcher saw it: the pods listed, or deleted. */
    record Seen(Instant at, String node, String event, List<String> pods) {
    }

    private final RealApiServer api;
    private final Vertx vertx = Vertx.vertx();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, ClusterAgent> agents = new TreeMap<>();
    private final List<Seen> history = new CopyOnWriteArrayList<>();
    private final KubernetesClient admin;
    private final ToggleableProxy proxy;
    private Coordinator coordinator;
    /** How many versions the history held when {@link #settle()} returned. */
    private int settledVersions;

    private FaultCluster(RealApiServer api) {
        this.api = api;
        this.admin = api.client();
        this.proxy = ToggleableProxy.start(api.port());
        closeables.add(proxy);
    }

    /** Namespaces and CRDs, the history watcher, then agents for {@code agentNodes} and the coordinator. */
    static FaultCluster start(RealApiServer api, Path dir, List<String> agentNodes) throws IOException {
        FaultCluster cluster = new FaultCluster(api);
        api.installCrds();
        for (String ns : List.of(NS, "bolometer-system")) {
            cluster.admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata()
                    .build()).create();
        }
        cluster.watchHistory();
        for (String node : agentNodes) {
            cluster.startAgent(dir, node);
        }
        cluster.coordinator = E2eCoordinator.start(cluster.viaProxy(COORDINATOR_AGENT), List.of());
        cluster.closeables.add(0, cluster.coordinator);
        return cluster;
    }

    /** A client that reaches the API server only through the proxy, writing as {@code userAgent}. */
    private KubernetesClient viaProxy(String userAgent) {
        return api.client(config -> {
            config.setMasterUrl("https://127.0.0.1:" + proxy.port());
            config.setUserAgent(userAgent);
            return config;
        });
    }

    private void startAgent(Path dir, String node) throws IOException {
        InMemoryProfileSink sink = new InMemoryProfileSink();
        E2eAgent agent = E2eAgent.start(vertx, dir, node, viaProxy("bolometer-agent/" + node),
                () -> SummaryJson.node(node).at(Instant.now()).build(), store -> sink);
        agents.put(node, agent.agent());
        closeables.add(0, agent);
    }

    private void watchHistory() {
        SharedIndexInformer<ProfilingAssignment> informer = admin.resources(ProfilingAssignment.class).inform(
                new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ProfilingAssignment a) {
                        history.add(new Seen(Instant.now(), a.getMetadata().getName(), "added", pods(a)));
                    }

                    @Override
                    public void onUpdate(ProfilingAssignment before, ProfilingAssignment a) {
                        history.add(new Seen(Instant.now(), a.getMetadata().getName(), "updated", pods(a)));
                    }

                    @Override
                    public void onDelete(ProfilingAssignment a, boolean finalStateUnknown) {
                        history.add(new Seen(Instant.now(), a.getMetadata().getName(), "deleted", List.of()));
                    }
                }, 0);
        closeables.add(informer::close);
    }

    /** Creates the {@link #SETTLED} state and waits (bounded) until the server and both agents show it. */
    void settle() {
        applyConfig(300);
        runningPod("a1", "node-a", "127.0.0.81");
        runningPod("a2", "node-a", "127.0.0.82");
        runningPod("b1", "node-b", "127.0.0.83");
        runningPod("c1", "node-c", "127.0.0.84");
        Await.until(Duration.ofSeconds(30), "the settled assignments and agent targets",
                () -> assignmentsOnServer().equals(SETTLED) && agentTargets().equals(SETTLED_AGENTS), this::state);
        settledVersions = history.size();
    }

    /** The changes made while the coordinator and agents are cut off, leading to {@link #CHANGED}. */
    void changeWhileCutOff() {
        runningPod("a3", "node-a", "127.0.0.85");
        deletePod("b1");
        runningPod("d1", "node-d", "127.0.0.86");
        applyConfig(120);
    }

    /**
     * Waits (bounded) until the cut-off coordinator gives up its lease (so the gap outlasts the renew deadline), then
     * checks that nothing was written meanwhile and that the agents still profile their last assignment.
     */
    void awaitLeaseLostWhileCutOff() {
        Await.until(Duration.ofSeconds(30), "the cut-off coordinator to give up its lease", () -> !coordinator.leading());
        assertThat(assignmentsOnServer()).as("nobody could write meanwhile").isEqualTo(SETTLED);
        assertThat(agentTargets()).as("agents keep profiling their last assignment").isEqualTo(SETTLED_AGENTS);
    }

    /** Waits (bounded) until the server and the agents show {@link #CHANGED}; returns how long that took. */
    Duration awaitChanged(Duration bound) {
        long started = System.nanoTime();
        Await.until(bound, "assignments and agent targets to show every change made during the gap",
                () -> assignmentsOnServer().equals(CHANGED) && agentTargets().equals(CHANGED_AGENTS), this::state);
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /**
     * Across the whole run, by the server's audit log and by the independent watcher: the only assignment deleted is
     * node-b's (its last pod went during the gap), deleted once, by the coordinator; and node-a's and node-c's
     * assignments, whose pods never left, listed those pods in every version anyone could see after {@link #settle()}.
     */
    void assertOnlyTheEmptiedAssignmentWasDeleted() {
        assertThat(assignmentDeletes()).as("DELETEs of profilingassignments in the audit log")
                .containsExactly("node-b by " + COORDINATOR_AGENT);
        List<Seen> seen = history();
        assertThat(seen.stream().filter(s -> s.event().equals("deleted")).map(Seen::node).toList())
                .as("deletions the independent watcher saw").containsExactly("node-b");
        List<Seen> sinceSettled = seen.subList(settledVersions, seen.size());
        assertThat(sinceSettled.stream().filter(s -> s.node().equals("node-a")).toList()).as("versions of node-a")
                .isNotEmpty().allSatisfy(s -> assertThat(s.pods()).contains("a1", "a2"));
        assertThat(sinceSettled.stream().filter(s -> s.node().equals("node-c")).toList()).as("versions of node-c")
                .isNotEmpty().allSatisfy(s -> assertThat(s.pods()).contains("c1"));
    }

    /** Audited writes per user agent and verb/resource, for the report. */
    Map<String, Long> writesByClient() {
        return api.auditLog().writes().stream().filter(w -> w.userAgent().startsWith("bolometer-"))
                .collect(java.util.stream.Collectors.groupingBy(w -> w.userAgent() + " " + w.verb() + " " + w.resource()
                        + (w.subresource().isEmpty() ? "" : "/" + w.subresource()), TreeMap::new,
                        java.util.stream.Collectors.counting()));
    }

    String state() {
        ProfilingConfig config = admin.resources(ProfilingConfig.class).inNamespace(NS).withName("checkout").get();
        return "server " + assignmentsOnServer() + ", agents " + agentTargets() + ", coordinator leading "
                + coordinator.leading() + " synced " + coordinator.ready() + ", config status "
                + (config == null ? "(no config)" : admin.getKubernetesSerialization().asJson(config.getStatus()));
    }

    KubernetesClient admin() {
        return admin;
    }

    ToggleableProxy proxy() {
        return proxy;
    }

    Coordinator coordinator() {
        return coordinator;
    }

    List<Seen> history() {
        return List.copyOf(history);
    }

    /** Every DELETE of a ProfilingAssignment the server audited, as {@code name by user-agent}. */
    List<String> assignmentDeletes() {
        return api.auditLog().writes(w -> w.verb().equals("delete") && w.resource().equals("profilingassignments"))
                .stream().map(w -> w.name() + " by " + w.userAgent()).toList();
    }

    AuditLog auditLog() {
        return api.auditLog();
    }

    /** A Running pod of app {@code checkout} with {@code ip}, opted in, on {@code node}, as a kubelet reports it. */
    void runningPod(String name, String node, String ip) {
        E2eAgent.createRunning(admin, new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .addToLabels("app", "checkout").addToAnnotations("profiling.io/enabled", "true").endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("app").withImage("app").endContainer()
                .endSpec().build(), ip);
    }

    void deletePod(String name) {
        admin.pods().inNamespace(NS).withName(name).withGracePeriod(0).delete();
    }

    /** Creates or replaces the config {@code checkout} selecting app=checkout in {@code shop}. */
    void applyConfig(int cooldownSeconds) {
        ProfilingConfig config = admin.getKubernetesSerialization().unmarshal("""
                apiVersion: profiling.io/v1alpha1
                kind: ProfilingConfig
                metadata: {name: checkout, namespace: shop}
                spec:
                  selector: {namespace: shop, labelSelector: {app: checkout}}
                  thresholds: {cpuThresholdPercent: 80, memoryThresholdPercent: 90, checkIntervalSeconds: 30, cooldownSeconds: %d}
                  s3Config: {bucket: fault-profiles, region: us-east-1}
                  profileTypes: [heap]
                """.formatted(cooldownSeconds), ProfilingConfig.class);
        ProfilingConfig current = admin.resources(ProfilingConfig.class).inNamespace(NS).withName("checkout").get();
        if (current == null) {
            admin.resources(ProfilingConfig.class).inNamespace(NS).resource(config).create();
        } else {
            admin.resources(ProfilingConfig.class).inNamespace(NS).withName("checkout").edit(c -> {
                c.setSpec(config.getSpec());
                return c;
            });
        }
    }

    /** Node → "cooldown=Ns pods=[…]" for every assignment on the server, read directly. */
    Map<String, String> assignmentsOnServer() {
        Map<String, String> out = new TreeMap<>();
        for (ProfilingAssignment a : admin.resources(ProfilingAssignment.class).list().getItems()) {
            List<AssignedConfig> configs = a.getSpec().getConfigs() == null ? List.of() : a.getSpec().getConfigs();
            String cooldowns = configs.stream().map(c -> c.getThresholds() == null ? "?"
                    : String.valueOf(c.getThresholds().getCooldownSeconds())).sorted().toList().toString();
            out.put(a.getMetadata().getName(), "cooldown=" + cooldowns + " pods=" + pods(a));
        }
        return out;
    }

    /** Node → "cooldown=Ns pods=[…]" as each agent profiles now (its applied targets). */
    Map<String, String> agentTargets() {
        Map<String, String> out = new TreeMap<>();
        agents.forEach((node, agent) -> {
            List<ProfilingTarget> targets = agent.targets();
            String cooldowns = targets.stream().map(t -> t.settings().cooldown().toSeconds()).distinct().sorted()
                    .toList().toString();
            out.put(node, targets.isEmpty() ? "none"
                    : "cooldown=" + cooldowns + " pods=" + targets.stream().map(t -> t.pod().name()).sorted().toList());
        });
        return out;
    }

    private static List<String> pods(ProfilingAssignment a) {
        List<AssignedTarget> targets = a.getSpec() == null || a.getSpec().getTargets() == null ? List.of()
                : a.getSpec().getTargets();
        return targets.stream().map(AssignedTarget::getName).sorted().toList();
    }

    @Override
    public void close() {
        Closing.quietly(closeables);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
