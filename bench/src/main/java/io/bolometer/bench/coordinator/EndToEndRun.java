package io.bolometer.bench.coordinator;

import io.bolometer.coordinator.Coordinator;
import io.bolometer.coordinator.CoordinatorSettings;
import io.bolometer.coordinator.kube.LeaderElection;
import io.bolometer.coordinator.kube.PodInfos;
import io.bolometer.coordinator.planning.AssignmentPlanner;
import io.bolometer.coordinator.planning.NodeInfo;
import io.bolometer.coordinator.planning.Plan;
import io.bolometer.coordinator.planning.PlannerSettings;
import io.bolometer.coordinator.planning.PodInfo;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The real {@link Coordinator} (informers, queue, reconciler, writer, leader election) against fabric8's mock API
 * server in CRUD mode, in this JVM: seeds a synthetic cluster, then times a cold start until every assignment the
 * pure planner expects is written, and optionally measures assignment writes for a 1,000-pod add and delete burst.
 */
final class EndToEndRun implements AutoCloseable {
    private static final Duration WAIT = Duration.ofMinutes(10);
    private static final int SEED_THREADS = 8;

    private final SyntheticCluster cluster;
    private final CountingDispatcher dispatcher = new CountingDispatcher();
    private final KubernetesMockServer server;
    private final KubernetesClient seeder;
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private KubernetesClient coordinatorClient;
    private Coordinator coordinator;
    private Plan expected;

    /**
     * Runs alone in a fresh JVM (a cold coordinator). Arguments: output JSON file, pods, nodes, burst pods (0: no
     * burst), burst nodes.
     */
    public static void main(String[] args) throws Exception {
        CoordinatorBench.quietLogging();
        int burstPods = Integer.parseInt(args[3]);
        try (EndToEndRun run = new EndToEndRun(new SyntheticCluster(Integer.parseInt(args[1]), Integer.parseInt(args[2])))) {
            run.seed().coldStart();
            if (burstPods > 0) {
                run.burst(burstPods, Integer.parseInt(args[4]));
            }
            BenchJson.write(java.nio.file.Path.of(args[0]), run.figures());
            System.out.println("Requests served by the mock API server: " + run.requestCounts());
        }
    }

    EndToEndRun(SyntheticCluster cluster) {
        this.cluster = cluster;
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        server.expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup(ProfilingConfig.GROUP)
                .withVersion(ProfilingConfig.VERSION).withKind("ProfilingConfig").withPlural("profilingconfigs")
                .withScope("Namespaced").withStatusSubresource(true).build());
        server.expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup(ProfilingConfig.GROUP)
                .withVersion(ProfilingConfig.VERSION).withKind("ProfilingAssignment").withPlural("profilingassignments")
                .withScope("Cluster").withStatusSubresource(true).build());
        seeder = server.createClient();
    }

    /** Seeds nodes, configs and pods through the API, and plans the same input with the pure planner. */
    EndToEndRun seed() throws Exception {
        long started = System.nanoTime();
        List<PodInfo> infos = new ArrayList<>(cluster.podCount());
        Map<String, NodeInfo> nodes = new HashMap<>();
        parallel(cluster.nodeNames(), name -> {
            seeder.nodes().resource(cluster.node(name)).create();
        });
        cluster.nodeNames().forEach(name -> nodes.put(name, PodInfos.from(cluster.node(name))));
        List<ProfilingConfig> configs = cluster.configs();
        configs.forEach(c -> seeder.resource(c).create());
        List<Pod> pods = cluster.pods().stream().map(SyntheticCluster::pod).toList();
        // An API server ignores a deletion timestamp sent on create: so pods are not seeded terminating here.
        pods.forEach(p -> p.getMetadata().setDeletionTimestamp(null));
        pods.forEach(p -> infos.add(PodInfos.from(p)));
        parallel(pods, pod -> seeder.resource(pod).create());
        figures.put("seed_seconds", (System.nanoTime() - started) / 1e9);
        expected = new AssignmentPlanner(new PlannerSettings(SyntheticCluster.COORDINATOR_NAMESPACE, List.of(), List.of()))
                .plan(configs, infos, nodes);
        drainRequestLog();
        return this;
    }

    /**
     * Starts the coordinator and waits until the server holds one assignment per node the pure plan names, with
     * the plan's target count in all. {@code e2e_seconds} runs from {@code Coordinator.start} to that moment.
     */
    EndToEndRun coldStart() throws Exception {
        long heapBefore = HeapWatch.liveHeapBytes();
        long writesBefore = assignmentWrites();
        coordinatorClient = server.createClient();
        long started = System.nanoTime();
        coordinator = Coordinator.start(coordinatorClient, new CoordinatorSettings("bench-0", SyntheticCluster.COORDINATOR_NAMESPACE,
                "bench-lease", "127.0.0.1", 0, 0, List.of(), List.of(),
                new LeaderElection.Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)),
                Duration.ofMinutes(10)));
        await("the informers' first sync", coordinator::ready);
        double synced = (System.nanoTime() - started) / 1e9;
        int wantedAssignments = expected.assignments().size();
        int wantedTargets = targets(expected);
        await(wantedAssignments + " assignments created with " + wantedTargets + " targets",
                () -> dispatcher.count("profilingassignments", "POST") - writesBefore >= wantedAssignments
                        && assignedTargets() == wantedTargets);
        double took = (System.nanoTime() - started) / 1e9;
        long writes = settle();
        List<ProfilingAssignment> written = seeder.resources(ProfilingAssignment.class).list().getItems();
        int writtenTargets = written.stream().mapToInt(a -> a.getSpec().getTargets().size()).sum();
        if (written.size() != wantedAssignments || writtenTargets != wantedTargets) {
            throw new IllegalStateException("the coordinator wrote " + written.size() + " assignments with "
                    + writtenTargets + " targets; the pure plan has " + wantedAssignments + " with " + wantedTargets);
        }
        figures.put("e2e_sync_seconds", synced);
        figures.put("e2e_seconds", took);
        figures.put("e2e_assignments", wantedAssignments);
        figures.put("e2e_targets", wantedTargets);
        figures.put("e2e_assignment_writes", writes - writesBefore);
        drainRequestLog();
        figures.put("e2e_coordinator_heap_mib", HeapWatch.mib(Math.max(0, HeapWatch.liveHeapBytes() - heapBefore)));
        return this;
    }

    /**
     * After a settled state, creates {@code count} opted-in pods spread evenly over {@code nodes} nodes in shuffled
     * order (concurrently), waits until the coordinator settled, and counts assignment creates, updates and
     * patches; then deletes them the same way. Figures: writes per touched node for each, and both raw counts.
     */
    EndToEndRun burst(int count, int nodes) throws Exception {
        List<String> touched = cluster.nodeNames().subList(0, nodes);
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pods.add(SyntheticCluster.pod(new SyntheticCluster.PodSeed("payments-prod", "burst-backend-" + i,
                    "uid-burst-" + i, "payments-burst", "b8f5d7c9x4", "payments", "backend", "prod", "v1.2.3",
                    touched.get(i % nodes), "10.250." + i / 256 + "." + i % 256, "Running", false, true, null,
                    null, null, "1", "250m", "512Mi", "256Mi")));
        }
        Collections.shuffle(pods, new Random(7));
        int targetsBefore = assignedTargets();

        long before = assignmentWrites();
        long started = System.nanoTime();
        parallel(pods, pod -> seeder.resource(pod).create());
        figures.put("burst_add_seconds", (System.nanoTime() - started) / 1e9);
        await("the burst's targets assigned", () -> assignedTargets() == targetsBefore + count);
        long added = settle() - before;

        before = assignmentWrites();
        started = System.nanoTime();
        parallel(pods, pod -> seeder.resource(pod).delete());
        figures.put("burst_delete_seconds", (System.nanoTime() - started) / 1e9);
        await("the burst's targets removed", () -> assignedTargets() == targetsBefore);
        long deleted = settle() - before;

        figures.put("burst_pods", count);
        figures.put("burst_touched_nodes", nodes);
        figures.put("burst_add_assignment_writes", added);
        figures.put("burst_delete_assignment_writes", deleted);
        figures.put("burst_add_writes_per_touched_node", (double) added / nodes);
        figures.put("burst_delete_writes_per_touched_node", (double) deleted / nodes);
        figures.put("burst_assignment_writes", added + deleted);
        return this;
    }

    Map<String, Object> figures() {
        return figures;
    }

    Map<String, Long> requestCounts() {
        return dispatcher.counts();
    }

    /** Assignment creates, updates and patches the server has received so far. */
    private long assignmentWrites() {
        return dispatcher.count("profilingassignments", "POST", "PUT", "PATCH");
    }

    /**
     * Waits until a whole reconcile, asked for after the last assignment write, wrote no assignment (a burst may
     * span several reconciles); returns the assignment writes so far.
     */
    private long settle() throws InterruptedException {
        for (int attempt = 0; attempt < 100; attempt++) {
            long writes = assignmentWrites();
            double reconciles = reconciles();
            coordinator.requestReconcile();
            await("a reconcile", () -> reconciles() >= reconciles + 1);
            if (assignmentWrites() == writes) {
                return writes;
            }
        }
        throw new IllegalStateException("assignment writes never settled: " + assignmentWrites());
    }

    /** Polls {@code condition} until it holds (at most {@link #WAIT}), saying every 30 s what it waits for. */
    private void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + WAIT.toNanos();
        long nextReport = started + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException("gave up waiting for " + what + "; " + state());
            }
            if (now > nextReport) {
                System.out.println("Still waiting for " + what + "; " + state());
                nextReport = now + 30_000_000_000L;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private String state() {
        return coordinator == null ? "" : "ready " + coordinator.ready() + ", leading " + coordinator.leading()
                + ", assigned targets " + assignedTargets() + ", reconciles " + coordinator.scrape().lines()
                .filter(l -> l.startsWith("bolometer_coordinator_reconciles_total")).toList()
                + ", requests " + dispatcher.counts();
    }

    private double reconciles() {
        return metric("bolometer_coordinator_reconciles_total{result=\"success\"}");
    }

    private int assignedTargets() {
        return (int) metric("bolometer_coordinator_assigned_targets");
    }

    private double metric(String series) {
        return coordinator.scrape().lines().filter(l -> l.startsWith(series + " ") || l.startsWith(series + "{"))
                .filter(l -> !l.startsWith("#")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static int targets(Plan plan) {
        return plan.assignments().values().stream().mapToInt(s -> s.getTargets().size()).sum();
    }

    /** The mock web server keeps every request it served; drop them so they do not weigh on the heap figures. */
    private void drainRequestLog() throws InterruptedException {
        for (int i = 0; i < 10_000_000 && server.takeRequest(0, TimeUnit.MILLISECONDS) != null; i++) {
            // discard
        }
    }

    private static <T> void parallel(List<T> items, Consumer<T> action) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SEED_THREADS);
        try {
            List<CompletableFuture<Void>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(CompletableFuture.runAsync(() -> action.accept(item), pool));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        if (coordinator != null) {
            coordinator.close();
            coordinatorClient.close();
        }
        seeder.close();
        server.destroy();
    }
}
