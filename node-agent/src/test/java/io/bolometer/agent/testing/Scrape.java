package io.bolometer.agent.testing;

/** Reads one series' value out of Prometheus text, e.g. {@code profiling_errors_total{stage="fetch"}}. */
public final class Scrape {
    private Scrape() {
    }

    /** The series' value, or 0 when it is absent. */
    public static double value(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    /** Sum over every series of a metric whose labels contain {@code labelFilter} (may be empty). */
    public static double sum(String scrape, String metric, String labelFilter) {
        double total = 0;
        for (String line : scrape.split("\n")) {
            if ((line.startsWith(metric + "{") || line.startsWith(metric + " ")) && line.contains(labelFilter)) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }
}
