package io.bolometer.coordinator.planning;

import java.util.List;

/** What one config selects: its pods ({@code namespace/name}, sorted) and the nodes they run on (sorted). */
public record ConfigSelection(String configId, List<String> pods, List<String> nodes) {
    public ConfigSelection {
        pods = List.copyOf(pods);
        nodes = List.copyOf(nodes);
    }
}
