package io.bolometer.bench.coordinator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's figures for {@code make bench}, written as one flat JSON object of numbers.
 *
 * <p>Usage: {@code CoordinatorBench <out.json> [full|smoke]}. Each measurement runs in its own fresh child JVM
 * ({@code java} of this JVM, this JVM's class path), so every plan is a cold one, as at a coordinator's start:
 * <ol>
 *   <li><b>Pure planner</b> ({@link PurePlanRun}, {@code -Xmx1g -XX:+UseG1GC}): 150,000 pods on 5,000 nodes of a
 *   {@link SyntheticCluster}. {@code coordinator_plan_seconds} is the wall time of the first
 *   {@code AssignmentPlanner.plan} call in that JVM (the goal's figure); {@code coordinator_plan_heap_mib} is the
 *   peak live heap while planning: the largest heap left after any garbage collection during the plan (GC
 *   notifications of the {@code GarbageCollectorMXBean}s), and at least the used heap after full GCs with the pod
 *   cache and the plan still referenced. It includes the pod and node cache ({@code PodInfo}s, reported alone as
 *   {@code coordinator_plan_pure_cache_heap_mib}). That the child finishes at all under {@code -Xmx1g} shows the
 *   plan fits in 1 GiB.</li>
 *   <li><b>End to end</b> ({@link EndToEndRun}, {@code -Xmx4g}: the mock server's store shares the heap): the real
 *   {@code Coordinator} (informers, queue, leader election, reconciler, writes) against fabric8's mock API server in
 *   CRUD mode, seeded through the API. {@code coordinator_e2e_seconds} runs from {@code Coordinator.start} until
 *   every assignment the pure planner expects for the same input has been created and the coordinator reports
 *   the plan's target count (checked against the server's objects afterwards). The mock server cannot hold
 *   150,000 pods in useful time (its CRUD store scans all objects per request), so this runs at two smaller
 *   scales, n1 = half of n2, and is extrapolated with a power law through both points:
 *   {@code t(150k) = t(n2) * (150000 / n2)^b}, {@code b = ln(t2 / t1) / ln(n2 / n1)}, with b taken as at least 1
 *   (no run is assumed to scale better than linearly). The time includes the mock server's own work on the same
 *   two cores, so it over-states a real API server's share. {@code coordinator_e2e_heap_mib} is the growth of the
 *   live heap (after full GCs) from before {@code Coordinator.start} to the settled state, at n2: the coordinator's
 *   caches and plan, plus the assignments the mock server now stores (an over-estimate); it is extrapolated in
 *   proportion to the pod count.</li>
 *   <li><b>Assignment writes per burst</b> (in the n2 end-to-end run, after the cold start settled): 1,000
 *   opted-in, selected pods over 100 nodes (10 each) are created concurrently in shuffled order; once the
 *   coordinator settled (a reconcile asked for after the last assignment write writes nothing), the assignment
 *   creates, updates and patches the mock server received are divided by the 100 touched nodes; the same for
 *   deleting them. {@code assignment_writes_per_touched_node} is the larger of the two.</li>
 * </ol>
 * {@code smoke} runs the same steps at tiny sizes (seconds), for the test that keeps this program working.
 */
public final class CoordinatorBench {
    static final int GOAL_PODS = 150_000;

    /** Sizes of one run. */
    record Scale(int pods, int nodes, int e2ePods, int e2eNodes, int burstPods, int burstNodes) {
        static Scale of(String name) {
            return switch (name) {
                case "full" -> new Scale(GOAL_PODS, 5_000, 6_000, 200, 1_000, 100);
                case "smoke" -> new Scale(3_000, 100, 200, 10, 40, 5);
                default -> throw new IllegalArgumentException("scale is full or smoke, not " + name);
            };
        }
    }

    private CoordinatorBench() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Scale scale = Scale.of(args.length > 1 ? args[1] : "full");
        Map<String, Number> pure = child(PurePlanRun.class, List.of("-Xmx1g", "-XX:+UseG1GC"),
                String.valueOf(scale.pods()), String.valueOf(scale.nodes()));
        Map<String, Number> large = child(EndToEndRun.class, List.of("-Xmx4g", "-XX:+UseG1GC"),
                String.valueOf(scale.e2ePods()), String.valueOf(scale.e2eNodes()),
                String.valueOf(scale.burstPods()), String.valueOf(scale.burstNodes()));
        Map<String, Number> small = child(EndToEndRun.class, List.of("-Xmx4g", "-XX:+UseG1GC"),
                String.valueOf(scale.e2ePods() / 2), String.valueOf(scale.e2eNodes() / 2), "0", "0");

        Map<String, Number> figures = new LinkedHashMap<>();
        figures.put("coordinator_plan_seconds", pure.get("pure_seconds"));
        figures.put("coordinator_plan_heap_mib", pure.get("pure_peak_live_heap_mib"));
        double perNode = Math.max(large.get("burst_add_writes_per_touched_node").doubleValue(),
                large.get("burst_delete_writes_per_touched_node").doubleValue());
        figures.put("assignment_writes_per_touched_node", perNode);
        figures.put("coordinator_plan_pods", scale.pods());
        figures.put("coordinator_plan_nodes", scale.nodes());
        pure.forEach((key, value) -> figures.put("coordinator_plan_" + key, value));

        double n1 = scale.e2ePods() / 2;
        double n2 = scale.e2ePods();
        double t1 = small.get("e2e_seconds").doubleValue();
        double t2 = large.get("e2e_seconds").doubleValue();
        double exponent = Math.log(t2 / t1) / Math.log(n2 / n1);
        double used = Math.max(1, exponent);
        figures.put("coordinator_e2e_pods", scale.e2ePods());
        figures.put("coordinator_e2e_nodes", scale.e2eNodes());
        large.forEach((key, value) -> figures.put(key.startsWith("burst_") ? key : "coordinator_" + key, value));
        figures.put("coordinator_e2e_small_pods", scale.e2ePods() / 2);
        figures.put("coordinator_e2e_small_seconds", t1);
        figures.put("coordinator_e2e_small_sync_seconds", small.get("e2e_sync_seconds"));
        figures.put("coordinator_e2e_measured_exponent", exponent);
        figures.put("coordinator_e2e_extrapolation_exponent", used);
        figures.put("coordinator_e2e_extrapolated_seconds_150k", t2 * Math.pow(GOAL_PODS / n2, used));
        figures.put("coordinator_e2e_extrapolated_heap_mib_150k",
                large.get("e2e_coordinator_heap_mib").doubleValue() * GOAL_PODS / n2);
        BenchJson.write(out, figures);
        System.out.println("Coordinator figures written to " + out + ": " + figures);
    }

    /** Runs {@code main} in a fresh JVM with this class path; returns the JSON it wrote. */
    private static Map<String, Number> child(Class<?> main, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("bolometer-bench-", ".json");
        try {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(main.getName());
            command.add(out.toString());
            command.addAll(List.of(args));
            System.out.println("Running " + main.getSimpleName() + " " + jvmOptions + " " + List.of(args));
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(main.getSimpleName() + " did not finish in 30 minutes");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(main.getSimpleName() + " failed with exit code " + process.exitValue());
            }
            return BenchJson.read(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Kept so the JDK does not forget the level set on it. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    /**
     * Warnings only: the coordinator logs a line per node, and the mock server (through java.util.logging) one per
     * request, which would swamp the figures and slow the runs.
     */
    static void quietLogging() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    }
}
