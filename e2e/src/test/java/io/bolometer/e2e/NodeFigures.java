package io.bolometer.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Figures a {@code *NodeIT} measured on the real node (start-up times, the agent's working set as the kubelet reports
 * it), printed as they are taken and written as one JSON file for {@code docs/performance.md}.
 */
final class NodeFigures {
    private final Map<String, Object> figures = new LinkedHashMap<>();

    synchronized void put(String name, double value) {
        double rounded = Math.round(value * 10) / 10.0;
        figures.put(name, rounded);
        System.out.printf("Real-node figure %s = %s%n", name, rounded);
    }

    synchronized void write(Path file) {
        if (figures.isEmpty()) {
            return;
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("measured", Instant.now().toString());
        document.put("machine", Runtime.getRuntime().availableProcessors() + " cores");
        document.putAll(figures);
        try {
            Files.createDirectories(file.getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), document);
        } catch (IOException e) {
            System.err.println("Could not write " + file + ": " + e.getMessage());
        }
    }
}
