package io.bolometer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result object of one bench run: headline figures (the keys) and the raw figures they were computed
 * from, flat, except the {@code *_by_variant} figures (an object of one number per agent variant). A figure that was
 * not measured is recorded as null and shown as "not measured".
 */
public final class Results {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, Object> values = new LinkedHashMap<>();

    /** The goals, in table order; the trigger limit is the check interval + 1 s. */
    public static List<Goal> goals(double checkIntervalSeconds) {
        return List.of(
                new Goal("agent_rss_mib", "Agent RSS, steady state, targets as configured, periodic off", "MiB", 96, true),
                new Goal("agent_ready_seconds", "Agent process start → /readyz 200, median of the starts", "s", 2, true),
                new Goal("agent_cpu_millicores", "Agent CPU at that steady state (/proc)", "mCPU", 5, true),
                new Goal("capture_overhead_ratio", "Capture overhead: agent trigger→stored ÷ (plain GET + single PUT)", "", 1.15, true),
                new Goal("trigger_latency_p99_seconds", "Threshold crossing → capture start, p99", "s", checkIntervalSeconds + 1, true),
                new Goal("profiles_per_s_at_half_core", "Stored profiles/s, agent capped at 0.5 core", "/s", 50, false),
                new Goal("api_requests_per_check", "API-server requests per check per node, steady state", "", 0, true),
                new Goal("coordinator_plan_seconds", "Coordinator cold plan, 150,000 pods / 5,000 nodes", "s", 5, true),
                new Goal("coordinator_plan_heap_mib", "Coordinator cold plan heap", "MiB", 1024, true),
                new Goal("assignment_writes_per_touched_node", "Assignment writes per touched node, 1,000-pod burst", "", 1, true));
    }

    public Results put(String key, double value) {
        values.put(key, Double.isNaN(value) || Double.isInfinite(value) ? null : Stats.round(value, 4));
        return this;
    }

    /** A figure per agent variant, written as a JSON object in the variants' order. */
    public Results put(String key, Map<String, Double> byVariant) {
        Map<String, Double> rounded = new LinkedHashMap<>();
        byVariant.forEach((variant, value) -> rounded.put(variant,
                value == null || Double.isNaN(value) || Double.isInfinite(value) ? null : Stats.round(value, 4)));
        values.put(key, rounded);
        return this;
    }

    public Results put(String key, String value) {
        values.put(key, value);
        return this;
    }

    /** Records a figure as not measured (null), unless it already has a value. */
    public Results notMeasured(String key) {
        values.putIfAbsent(key, null);
        return this;
    }

    /** Merges a fragment written by another program: every field, numbers as numbers, text as text. */
    public Results merge(Path fragment) throws IOException {
        JsonNode node = JSON.readTree(fragment.toFile());
        if (!node.isObject()) {
            throw new IOException(fragment + " does not hold a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (value.isNumber()) {
                put(field.getKey(), value.doubleValue());
            } else if (value.isNull()) {
                values.put(field.getKey(), null);
            } else {
                put(field.getKey(), value.isTextual() ? value.textValue() : value.toString());
            }
        }
        return this;
    }

    public Double number(String key) {
        Object value = values.get(key);
        return value instanceof Number n ? n.doubleValue() : null;
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        ObjectNode root = JSON.createObjectNode();
        values.forEach((key, value) -> {
            if (value == null) {
                root.putNull(key);
            } else if (value instanceof Number n) {
                root.put(key, n.doubleValue());
            } else if (value instanceof Map<?, ?> byVariant) {
                ObjectNode object = root.putObject(key);
                byVariant.forEach((variant, number) -> {
                    if (number instanceof Number n) {
                        object.put(variant.toString(), n.doubleValue());
                    } else {
                        object.putNull(variant.toString());
                    }
                });
            } else {
                root.put(key, value.toString());
            }
        });
        JSON.writeValue(file.toFile(), root);
    }

    /** The goal / measured / verdict table, as printed by {@code make bench} and pasted into the docs. */
    public String table(List<Goal> goals) {
        StringBuilder out = new StringBuilder();
        out.append("| Figure | Goal | Measured | Verdict |\n|---|---|---|---|\n");
        for (Goal goal : goals) {
            Double measured = number(goal.key());
            out.append("| ").append(goal.figure()).append(" (`").append(goal.key()).append("`) | ")
                    .append(goal.describeLimit()).append(" | ")
                    .append(measured == null ? "not measured" : Goal.format(measured)).append(" | ")
                    .append(goal.verdict(measured)).append(" |\n");
        }
        return out.toString();
    }
}
