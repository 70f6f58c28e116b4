package io.bolometer.coordinator.planning;

import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The desired state: one assignment spec per node that has targets (sorted map, stable content), what each
 * valid config selects, and the pods skipped for bad annotations.
 */
public record Plan(Map<String, ProfilingAssignmentSpec> assignments, Map<String, ConfigSelection> selections,
                   List<PodProblem> problems) {
    public Plan {
        // Sorted by key, so iterating (and logging, and writing) a plan is stable too.
        assignments = Collections.unmodifiableMap(new TreeMap<>(assignments));
        selections = Collections.unmodifiableMap(new TreeMap<>(selections));
        problems = List.copyOf(problems);
    }
}
