package io.bolometer.bench.coordinator;

import io.bolometer.coordinator.kube.PodInfos;
import io.bolometer.coordinator.planning.AssignmentPlanner;
import io.bolometer.coordinator.planning.NodeInfo;
import io.bolometer.coordinator.planning.Plan;
import io.bolometer.coordinator.planning.PlannerSettings;
import io.bolometer.coordinator.planning.PodInfo;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure planner on a synthetic cluster, meant to run alone in a fresh JVM (so the first plan is a cold one, as
 * at a coordinator's start): builds the pod cache the way the coordinator does ({@link PodInfos#from} on full
 * {@code Pod} objects, which are then dropped), plans once cold, then three more times warm.
 *
 * <p>Heap: {@code pure_cache_heap_mib} is the live heap (after full GCs) holding the pod and node cache and the
 * configs; {@code pure_heap_mib} the live heap with the plan still referenced too; {@code pure_peak_live_heap_mib}
 * the largest heap left after any collection during the cold plan. {@code pure_cpu_seconds} is the planning
 * thread's CPU time for the cold plan (garbage collection threads not included): on a loaded machine it shows the
 * work apart from waiting for a core. Run with {@code -Xmx1g}, finishing at all
 * shows it fits in 1 GiB.
 *
 * <p>Arguments: output JSON file, pod count, node count.
 */
public final class PurePlanRun {
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private PurePlanRun() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        SyntheticCluster cluster = new SyntheticCluster(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        List<PodInfo> pods = new ArrayList<>(cluster.podCount());
        cluster.pods().forEach(seed -> pods.add(PodInfos.from(SyntheticCluster.pod(seed))));
        Map<String, NodeInfo> nodes = new HashMap<>();
        cluster.nodeNames().forEach(name -> nodes.put(name, PodInfos.from(cluster.node(name))));
        List<ProfilingConfig> configs = cluster.configs();
        long jvmBaseline = HeapWatch.liveHeapBytes();
        AssignmentPlanner planner = new AssignmentPlanner(
                new PlannerSettings(SyntheticCluster.COORDINATOR_NAMESPACE, List.of(), List.of()));

        Map<String, Object> figures = new LinkedHashMap<>();
        Plan plan;
        long started;
        long took;
        long peakLive;
        long peakUsed;
        try (HeapWatch watch = new HeapWatch().start()) {
            long cpuStarted = THREADS.getCurrentThreadCpuTime();
            started = System.nanoTime();
            plan = planner.plan(configs, pods, nodes);
            took = System.nanoTime() - started;
            figures.put("pure_cpu_seconds", (THREADS.getCurrentThreadCpuTime() - cpuStarted) / 1e9);
            long withPlan = HeapWatch.liveHeapBytes();
            peakLive = Math.max(watch.peakLiveBytes(), withPlan);
            peakUsed = watch.peakUsedBytes();
            figures.put("pure_heap_mib", HeapWatch.mib(withPlan));
        }
        int targets = plan.assignments().values().stream().mapToInt(s -> s.getTargets().size()).sum();
        figures.put("pure_seconds", took / 1e9);
        figures.put("pure_cache_heap_mib", HeapWatch.mib(jvmBaseline));
        figures.put("pure_peak_live_heap_mib", HeapWatch.mib(peakLive));
        figures.put("pure_peak_used_heap_mib", HeapWatch.mib(peakUsed));
        figures.put("pure_max_heap_mib", HeapWatch.mib(Runtime.getRuntime().maxMemory()));
        figures.put("pure_assignments", plan.assignments().size());
        figures.put("pure_targets", targets);
        Reference.reachabilityFence(plan);
        plan = null;
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            Plan again = planner.plan(configs, pods, nodes);
            best = Math.min(best, System.nanoTime() - start);
            if (again.assignments().size() != (int) figures.get("pure_assignments")) {
                throw new IllegalStateException("a second plan of the same input differs");
            }
        }
        figures.put("pure_warm_seconds", best / 1e9);
        Reference.reachabilityFence(pods);
        BenchJson.write(out, figures);
    }
}
