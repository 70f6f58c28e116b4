package io.bolometer.coordinator.planning;

import io.bolometer.coordinator.planning.PodAnnotationsParser.PprofEndpoint;
import io.bolometer.model.ProfileKeys;
import io.bolometer.model.ServiceNames;
import io.bolometer.model.v1alpha1.AssignedTarget;
import java.util.List;
import java.util.Map;

/**
 * Resolves one selected pod into the target its node's agent profiles: endpoint, service name, labels, and the
 * CPU and memory its usage is measured against (ARCHITECTURE.md "Decisions": limit, else request, else node
 * allocatable, per resource).
 */
public final class AssignedTargets {
    public static final String LIMIT = "limit";
    public static final String REQUEST = "request";
    public static final String ALLOCATABLE = "allocatable";

    private AssignedTargets() {
    }

    /**
     * @param configIds the ids of every config that selects the pod, sorted
     * @param node the pod's node, or null when its allocatable is not known
     */
    public static AssignedTarget of(PodInfo pod, PprofEndpoint endpoint, List<String> configIds, NodeInfo node) {
        AssignedTarget target = new AssignedTarget();
        target.setNamespace(pod.namespace());
        target.setName(pod.name());
        target.setUid(pod.uid());
        target.setPodIP(pod.podIP());
        target.setPort(endpoint.port());
        target.setPath(endpoint.path());
        target.setCaptureToken(endpoint.captureToken());
        target.setCaptureTypes(endpoint.captureToken() == null || endpoint.captureTypes().isEmpty() ? null
                : endpoint.captureTypes());
        ServiceNames.Owner owner = pod.ownerName() == null ? null : new ServiceNames.Owner(pod.ownerKind(), pod.ownerName());
        target.setService(ServiceNames.derive(pod.labels(), owner, pod.name()));
        // Only the labels the object metadata could hold (a pod's 9,000 labels can't inflate the assignment); sorted,
        // and absent rather than empty, so the object reads the same after a round trip through the API.
        Map<String, String> labels = ProfileKeys.labelsWithinBudget(pod.labels());
        target.setLabels(labels.isEmpty() ? null : labels);
        target.setConfigs(List.copyOf(configIds));
        Basis<Double> cpu = resolve(pod.cpuLimitCores(), pod.cpuRequestCores(),
                node == null ? null : node.allocatableCpuCores());
        target.setCpuCores(cpu.amount());
        target.setCpuBasis(cpu.basis());
        Basis<Long> memory = resolve(pod.memoryLimitBytes(), pod.memoryRequestBytes(),
                node == null ? null : node.allocatableMemoryBytes());
        target.setMemoryBytes(memory.amount());
        target.setMemoryBasis(memory.basis());
        return target;
    }

    /** An amount of one resource and where it came from; both null when nothing is known. */
    private record Basis<N extends Number>(N amount, String basis) {
    }

    /** The fallback rule, one resource at a time: 0 (or no node) means "not known". */
    private static <N extends Number> Basis<N> resolve(N limit, N request, N allocatable) {
        if (limit.doubleValue() > 0) {
            return new Basis<>(limit, LIMIT);
        }
        if (request.doubleValue() > 0) {
            return new Basis<>(request, REQUEST);
        }
        if (allocatable != null && allocatable.doubleValue() > 0) {
            return new Basis<>(allocatable, ALLOCATABLE);
        }
        return new Basis<>(null, null);
    }
}
