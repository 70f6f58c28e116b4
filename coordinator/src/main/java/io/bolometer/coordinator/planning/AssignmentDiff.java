package io.bolometer.coordinator.planning;

import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What it takes to turn the assignments on the server into the planned ones, as a value (as Strimzi's
 * {@code PodDiff}): the nodes whose assignment is created, replaced (its spec differs) or deleted (no targets
 * there any more). A node whose spec is already the planned one is in none of them, so it costs no write.
 * Every part is sorted by node name, so applying a diff is stable.
 */
public record AssignmentDiff(Map<String, ProfilingAssignmentSpec> create, Map<String, ProfilingAssignmentSpec> replace,
                             List<String> delete) {

    public AssignmentDiff {
        create = Collections.unmodifiableMap(new TreeMap<>(create));
        replace = Collections.unmodifiableMap(new TreeMap<>(replace));
        delete = List.copyOf(delete.stream().sorted().toList());
    }

    /**
     * @param plan    the wanted spec per node (only nodes with targets)
     * @param current the spec per node of the assignments the server holds (a spec may be null)
     */
    public static AssignmentDiff between(Map<String, ProfilingAssignmentSpec> plan,
                                         Map<String, ProfilingAssignmentSpec> current) {
        Map<String, ProfilingAssignmentSpec> create = new TreeMap<>();
        Map<String, ProfilingAssignmentSpec> replace = new TreeMap<>();
        List<String> delete = new ArrayList<>();
        plan.forEach((node, wanted) -> {
            if (!current.containsKey(node)) {
                create.put(node, wanted);
            } else if (!Objects.equals(wanted, current.get(node))) {
                replace.put(node, wanted);
            }
        });
        current.keySet().stream().filter(node -> !plan.containsKey(node)).forEach(delete::add);
        return new AssignmentDiff(create, replace, delete);
    }

    /** True when the server already holds the plan. */
    public boolean empty() {
        return create.isEmpty() && replace.isEmpty() && delete.isEmpty();
    }

    /** The writes this diff costs: one per created, replaced or deleted assignment. */
    public int writes() {
        return create.size() + replace.size() + delete.size();
    }
}
