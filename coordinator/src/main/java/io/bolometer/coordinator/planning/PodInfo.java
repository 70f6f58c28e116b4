package io.bolometer.coordinator.planning;

import java.util.Map;

/**
 * The little of a pod the planner needs, kept in the coordinator's pod cache instead of the full object (so
 * 150,000 pods fit in well under 1 GiB).
 *
 * @param ownerKind kind of the controller owner reference, or null
 * @param ownerName name of the controller owner reference, or null
 * @param terminating true once the pod has a deletion timestamp
 * @param cpuLimitCores sum of the containers' CPU limits, or 0 unless every container has one
 * @param cpuRequestCores sum of the containers' CPU requests, or 0 unless every container has one
 * @param memoryLimitBytes sum of memory limits, or 0 unless every container has one
 * @param memoryRequestBytes sum of memory requests, or 0 unless every container has one
 * @param hostNetwork the pod uses the node's network, so its "pod IP" is the node's own address
 */
public record PodInfo(String namespace, String name, String uid, Map<String, String> labels,
                      Map<String, String> annotations, String phase, String podIP, String nodeName,
                      boolean terminating, String ownerKind, String ownerName, double cpuLimitCores,
                      double cpuRequestCores, long memoryLimitBytes, long memoryRequestBytes, boolean hostNetwork) {
    public PodInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** {@code namespace/name}. */
    public String id() {
        return namespace + "/" + name;
    }
}
