package io.bolometer.coordinator.planning;

import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import java.util.List;
import java.util.Map;

/**
 * The desired state: one assignment spec per node that has targets (sorted map, stable content), what each
 * valid config selects, and the pods skipped for bad annotations.
 */
public record Plan(Map<String, ProfilingAssignmentSpec> assignments, Map<String, ConfigSelection> selections,
                   List<PodProblem> problems) {
    public Plan {
        assignments = Map.copyOf(assignments);
        selections = Map.copyOf(selections);
        problems = List.copyOf(problems);
    }
}
