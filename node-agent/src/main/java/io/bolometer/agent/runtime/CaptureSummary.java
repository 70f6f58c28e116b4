package io.bolometer.agent.runtime;

import java.util.List;
import java.util.stream.Collectors;

/** The per-type results of one capture of one target. */
public record CaptureSummary(List<TypeResult> results) {
    public CaptureSummary {
        results = List.copyOf(results);
    }

    static CaptureSummary of(List<TypeResult> results) {
        return new CaptureSummary(results);
    }

    public long capturedCount() {
        return results.stream().filter(TypeResult::captured).count();
    }

    public long failedCount() {
        return results.stream().filter(r -> "failed".equals(r.outcome())).count();
    }

    /** e.g. {@code cpu, heap and goroutine profiles}. */
    public String capturedTypes() {
        List<String> names = results.stream().filter(TypeResult::captured).map(r -> r.type().wireName()).toList();
        if (names.size() == 1) {
            return names.get(0) + " profile";
        }
        String head = names.subList(0, names.size() - 1).stream().collect(Collectors.joining(", "));
        return head + " and " + names.get(names.size() - 1) + " profiles";
    }
}
