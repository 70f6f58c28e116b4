package io.bolometer.coordinator.kube;

import io.bolometer.coordinator.planning.NodeInfo;
import io.bolometer.coordinator.planning.PodAnnotationsParser;
import io.bolometer.coordinator.planning.PodInfo;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reduces pods and nodes to what the planner needs. The coordinator keeps only these records, not the informer's
 * full objects: a {@link PodInfo} is a few hundred bytes where a cached {@code Pod} is several kilobytes. Only the
 * {@code profiling.io/*} annotations are kept, and labels only of pods that opted in (issue 14: 500 pending pods
 * with 250 KiB of annotations each must not grow the coordinator).
 */
public final class PodInfos {
    static final String PROFILING_PREFIX = "profiling.io/";
    static final int MAX_KEPT_VALUE_LENGTH = 257;

    private PodInfos() {
    }

    public static PodInfo from(Pod pod) {
        List<Container> containers = pod.getSpec() == null ? List.of() : pod.getSpec().getContainers();
        OwnerReference owner = pod.getMetadata().getOwnerReferences() == null ? null
                : pod.getMetadata().getOwnerReferences().stream()
                        .filter(o -> Boolean.TRUE.equals(o.getController())).findFirst().orElse(null);
        Map<String, String> annotations = profilingAnnotations(pod.getMetadata().getAnnotations());
        return new PodInfo(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), pod.getMetadata().getUid(),
                PodAnnotationsParser.isEnabled(annotations) ? pod.getMetadata().getLabels() : Map.of(), annotations,
                pod.getStatus() == null ? null : pod.getStatus().getPhase(),
                pod.getStatus() == null ? null : pod.getStatus().getPodIP(),
                pod.getSpec() == null ? null : pod.getSpec().getNodeName(),
                pod.getMetadata().getDeletionTimestamp() != null,
                owner == null ? null : owner.getKind(), owner == null ? null : owner.getName(),
                sum(containers, c -> limits(c).get("cpu")), sum(containers, c -> requests(c).get("cpu")),
                (long) sum(containers, c -> limits(c).get("memory")),
                (long) sum(containers, c -> requests(c).get("memory")),
                pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork()));
    }

    /**
     * Only the {@code profiling.io/*} annotations, each cut to {@value #MAX_KEPT_VALUE_LENGTH} characters (longer
     * than any value the parser accepts, so a cut value is still refused as too long): a pod's other annotations,
     * up to 256 KiB of them, never enter the coordinator's memory.
     */
    static Map<String, String> profilingAnnotations(Map<String, String> annotations) {
        if (annotations == null || annotations.isEmpty()) {
            return Map.of();
        }
        Map<String, String> kept = new HashMap<>();
        annotations.forEach((key, value) -> {
            if (key.startsWith(PROFILING_PREFIX) && value != null) {
                kept.put(key, value.length() <= MAX_KEPT_VALUE_LENGTH ? value : value.substring(0, MAX_KEPT_VALUE_LENGTH));
            }
        });
        return kept;
    }

    public static NodeInfo from(Node node) {
        Map<String, Quantity> allocatable = node.getStatus() == null || node.getStatus().getAllocatable() == null
                ? Map.of() : node.getStatus().getAllocatable();
        return new NodeInfo(node.getMetadata().getName(), amount(allocatable.get("cpu")),
                (long) amount(allocatable.get("memory")));
    }

    /** The sum over containers, or 0 unless every container sets the value (a partial sum would mislead). */
    private static double sum(List<Container> containers, Function<Container, Quantity> value) {
        if (containers == null || containers.isEmpty()) {
            return 0;
        }
        double total = 0;
        for (Container container : containers) {
            double amount = amount(value.apply(container));
            if (amount <= 0) {
                return 0;
            }
            total += amount;
        }
        return total;
    }

    private static Map<String, Quantity> limits(Container c) {
        return c.getResources() == null || c.getResources().getLimits() == null ? Map.of() : c.getResources().getLimits();
    }

    private static Map<String, Quantity> requests(Container c) {
        return c.getResources() == null || c.getResources().getRequests() == null ? Map.of() : c.getResources().getRequests();
    }

    private static double amount(Quantity quantity) {
        if (quantity == null) {
            return 0;
        }
        try {
            return Quantity.getAmountInBytes(quantity).doubleValue();
        } catch (ArithmeticException | IllegalArgumentException e) {
            return 0;
        }
    }
}
