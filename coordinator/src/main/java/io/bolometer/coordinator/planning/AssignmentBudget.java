package io.bolometer.coordinator.planning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bolometer.model.v1alpha1.AssignedConfig;
import io.bolometer.model.v1alpha1.AssignedTarget;
import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * Keeps every node's assignment under a size budget well below etcd's 1.5 MiB request limit. When a node's
 * assignment would be larger, the config that adds the most to it is left out on that node (its targets there
 * dropped, other configs' targets kept), then the next, until it fits: one tenant's huge config can't stop the
 * node's other configs from being written.
 */
public final class AssignmentBudget {
    /** Default budget: a third of etcd's limit, leaving room for metadata and the agent's status. */
    public static final int DEFAULT_BUDGET_BYTES = 512 * 1024;
    public static final String REASON = "AssignmentTooLarge";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param assignments the node's specs after trimming
     * @param leftOut for each config left out somewhere: one message per node, naming node, size and budget
     */
    public record Outcome(Map<String, ProfilingAssignmentSpec> assignments, Map<String, List<String>> leftOut) {
    }

    private final int budgetBytes;
    private final ToIntFunction<ProfilingAssignmentSpec> size;

    public AssignmentBudget(int budgetBytes) {
        this(budgetBytes, AssignmentBudget::jsonBytes);
    }

    AssignmentBudget(int budgetBytes, ToIntFunction<ProfilingAssignmentSpec> size) {
        this.budgetBytes = budgetBytes;
        this.size = size;
    }

    public Outcome apply(Map<String, ProfilingAssignmentSpec> assignments) {
        Map<String, ProfilingAssignmentSpec> kept = new LinkedHashMap<>();
        Map<String, List<String>> leftOut = new TreeMap<>();
        for (Map.Entry<String, ProfilingAssignmentSpec> entry : assignments.entrySet()) {
            String node = entry.getKey();
            ProfilingAssignmentSpec spec = entry.getValue();
            int bytes = size.applyAsInt(spec);
            // Bounded: every round removes one config from the node, and a node has finitely many.
            while (bytes > budgetBytes && !spec.getConfigs().isEmpty()) {
                ProfilingAssignmentSpec current = spec;
                // the one whose removal leaves the smallest spec adds the most; ties go by id, so it is stable
                AssignedConfig largest = current.getConfigs().stream()
                        .min(Comparator.comparingInt((AssignedConfig c) -> size.applyAsInt(without(current, c.id())))
                                .thenComparing(AssignedConfig::id))
                        .orElseThrow();
                leftOut.computeIfAbsent(largest.id(), id -> new ArrayList<>()).add("its targets on node " + node
                        + " were left out: the node's assignment would be " + bytes + " bytes, over the budget of "
                        + budgetBytes);
                spec = without(spec, largest.id());
                bytes = size.applyAsInt(spec);
            }
            if (!spec.getTargets().isEmpty()) {
                kept.put(node, spec);
            }
        }
        return new Outcome(kept, leftOut);
    }

    /** The spec without one config: its entry gone, its id gone from every target, targets of no config gone. */
    static ProfilingAssignmentSpec without(ProfilingAssignmentSpec spec, String configId) {
        ProfilingAssignmentSpec copy = new ProfilingAssignmentSpec();
        copy.setNodeName(spec.getNodeName());
        copy.setConfigs(spec.getConfigs().stream().filter(c -> !c.id().equals(configId)).toList());
        List<AssignedTarget> targets = new ArrayList<>();
        for (AssignedTarget target : spec.getTargets()) {
            if (!target.getConfigs().contains(configId)) {
                targets.add(target);
            } else if (target.getConfigs().size() > 1) {
                AssignedTarget trimmed = JSON.convertValue(target, AssignedTarget.class);
                trimmed.setConfigs(target.getConfigs().stream().filter(id -> !id.equals(configId)).toList());
                targets.add(trimmed);
            }
        }
        copy.setTargets(targets);
        return copy;
    }

    /** The size of the spec as JSON, as the API server and etcd store it (give or take field order). */
    public static int jsonBytes(ProfilingAssignmentSpec spec) {
        try {
            return JSON.writeValueAsBytes(spec).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize an assignment spec", e);
        }
    }
}
