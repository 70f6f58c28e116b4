package io.bolometer.agent.insight;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parses the text of {@code go tool pprof -top}: one row per function with its flat% and cum%. */
public record PprofTopOutput(Map<String, Row> rows) {

    /** One row; {@code function} without pprof's {@code (inline)} or {@code (partial-inline)} mark. */
    public record Row(String function, double flatPercent, double cumPercent) {
    }

    public static PprofTopOutput parse(String text) {
        Map<String, Row> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : text.lines().toList()) {
            String trimmed = line.trim();
            if (trimmed.startsWith("flat") && trimmed.contains("cum%")) {
                inTable = true;
                continue;
            }
            if (!inTable || trimmed.isEmpty()) {
                continue;
            }
            // e.g. "1.56s 85.71% 85.71%      1.56s 85.71%  crypto/sha256.block"
            String[] cols = trimmed.split("\\s+", 6);
            if (cols.length < 6) {
                throw new IllegalArgumentException("Not a pprof -top row: " + line);
            }
            String function = cols[5].replaceFirst(" \\((partial-)?inline\\)$", "");
            rows.put(function, new Row(function, percent(cols[1]), percent(cols[4])));
        }
        if (!inTable) {
            throw new IllegalArgumentException("No pprof -top table in:\n" + text);
        }
        return new PprofTopOutput(rows);
    }

    /** The first row: the largest flat share. */
    public Row first() {
        return rows.values().iterator().next();
    }

    private static double percent(String column) {
        return Double.parseDouble(column.replace("%", ""));
    }
}
