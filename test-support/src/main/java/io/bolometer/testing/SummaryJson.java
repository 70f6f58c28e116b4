package io.bolometer.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds kubelet {@code /stats/summary?only_cpu_and_memory=true} JSON in the shape of
 * {@code k8s.io/kubelet/pkg/apis/stats/v1alpha1.Summary}, one container per pod, for tests.
 */
public final class SummaryJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant NODE_START = Instant.parse("2024-01-10T08:00:00Z");

    /** One pod's figures: cumulative CPU core-nanoseconds and working set bytes, read at {@code time}. */
    public record Pod(String namespace, String name, String uid, long cpuCoreNanoSeconds, long workingSetBytes,
                      Instant time, boolean podLevelStats) {
        /** The same pod reported only through its containers, as some CRI stats providers do. */
        public Pod containersOnly() {
            return new Pod(namespace, name, uid, cpuCoreNanoSeconds, workingSetBytes, time, false);
        }
    }

    private final String nodeName;
    private final List<Pod> pods = new ArrayList<>();
    private Instant nodeTime = Instant.parse("2024-01-15T12:00:00Z");

    private SummaryJson(String nodeName) {
        this.nodeName = nodeName;
    }

    public static SummaryJson node(String nodeName) {
        return new SummaryJson(nodeName);
    }

    public static Pod pod(String namespace, String name, String uid, long cpuCoreNanoSeconds, long workingSetBytes,
                          Instant time) {
        return new Pod(namespace, name, uid, cpuCoreNanoSeconds, workingSetBytes, time, true);
    }

    public SummaryJson at(Instant time) {
        this.nodeTime = time;
        return this;
    }

    public SummaryJson add(Pod pod) {
        pods.add(pod);
        return this;
    }

    public SummaryJson withPod(String namespace, String name, String uid, long cpuCoreNanoSeconds,
                               long workingSetBytes, Instant time) {
        return add(pod(namespace, name, uid, cpuCoreNanoSeconds, workingSetBytes, time));
    }

    public String build() {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode node = root.putObject("node");
        node.put("nodeName", nodeName);
        node.put("startTime", NODE_START.toString());
        long podCpu = pods.stream().mapToLong(Pod::cpuCoreNanoSeconds).sum();
        long podMemory = pods.stream().mapToLong(Pod::workingSetBytes).sum();
        cpu(node.putObject("cpu"), nodeTime, 40_000_000_000_000L + podCpu);
        memory(node.putObject("memory"), nodeTime, 1_500_000_000L + podMemory);
        ArrayNode array = root.putArray("pods");
        for (Pod pod : pods) {
            ObjectNode p = array.addObject();
            ObjectNode ref = p.putObject("podRef");
            ref.put("name", pod.name());
            ref.put("namespace", pod.namespace());
            ref.put("uid", pod.uid());
            p.put("startTime", NODE_START.plusSeconds(600).toString());
            ObjectNode container = p.putArray("containers").addObject();
            container.put("name", "app");
            container.put("startTime", NODE_START.plusSeconds(605).toString());
            cpu(container.putObject("cpu"), pod.time(), pod.cpuCoreNanoSeconds());
            memory(container.putObject("memory"), pod.time(), pod.workingSetBytes());
            if (pod.podLevelStats()) {
                cpu(p.putObject("cpu"), pod.time(), pod.cpuCoreNanoSeconds());
                memory(p.putObject("memory"), pod.time(), pod.workingSetBytes());
            }
        }
        return root.toPrettyString();
    }

    private static void cpu(ObjectNode cpu, Instant time, long coreNanoSeconds) {
        cpu.put("time", time.toString());
        cpu.put("usageNanoCores", 125_000_000L);
        cpu.put("usageCoreNanoSeconds", coreNanoSeconds);
    }

    private static void memory(ObjectNode memory, Instant time, long workingSetBytes) {
        memory.put("time", time.toString());
        memory.put("usageBytes", workingSetBytes + 4_096_000L);
        memory.put("workingSetBytes", workingSetBytes);
        memory.put("rssBytes", workingSetBytes - Math.min(workingSetBytes, 1_048_576L));
        memory.put("pageFaults", 48_213L);
        memory.put("majorPageFaults", 3L);
    }
}
