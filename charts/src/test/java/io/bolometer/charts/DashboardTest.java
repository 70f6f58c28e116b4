package io.bolometer.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana dashboard loads, queries only metrics the code exports, and shows every panel per node. */
class DashboardTest {

    /** What the agent and the coordinator export (ARCHITECTURE.md, docs/metrics.md); histograms by base name. */
    static final Set<String> EXPORTED_METRICS = Set.of(
            "profiling_captures_total", "profiling_uploads_total", "profiling_errors_total",
            "profiling_captures_skipped_total", "profiling_threshold_violations_total",
            "profiling_threshold_checks_total", "profiling_capture_duration_seconds",
            "profiling_upload_duration_seconds", "profiling_spool_profiles", "profiling_spool_bytes",
            "profiling_targets", "profiling_usage_source_up", "profiling_metadata_labels_dropped_total",
            "bolometer_coordinator_reconciles_total", "bolometer_coordinator_reconcile_duration_seconds",
            "bolometer_coordinator_assigned_targets", "bolometer_coordinator_leader",
            "profiling_capture_events_total");

    /** The questions the issue asks the dashboard to answer, each by one of its metrics. */
    static final Set<String> REQUIRED_METRICS = Set.of(
            "profiling_captures_total", "profiling_uploads_total", "profiling_errors_total",
            "profiling_threshold_violations_total", "profiling_spool_profiles",
            "profiling_capture_duration_seconds", "profiling_upload_duration_seconds", "profiling_targets",
            "profiling_captures_skipped_total", "profiling_usage_source_up");

    private static final Pattern METRIC = Pattern.compile("\\b((?:profiling|bolometer)_[a-z_]+)\\b");
    private static final Pattern GROUPING = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");
    private static final Pattern HISTOGRAM_SUFFIX = Pattern.compile("_(bucket|count|sum)$");

    private static JsonNode dashboard;

    @BeforeAll
    static void load() throws IOException {
        dashboard = new ObjectMapper().readTree(ChartRenderer.chartDir().resolve("dashboards/bolometer.json").toFile());
    }

    static List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        dashboard.get("panels").forEach(p -> {
            if (!"row".equals(p.path("type").asText())) {
                panels.add(p);
            }
        });
        return panels;
    }

    static List<String> exprs(JsonNode panel) {
        List<String> exprs = new ArrayList<>();
        panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
        return exprs;
    }

    static Set<String> metricNames(String expr) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static String baseName(String metric) {
        String base = HISTOGRAM_SUFFIX.matcher(metric).replaceFirst("");
        return EXPORTED_METRICS.contains(base) ? base : metric;
    }

    @Test
    void dashboardLoadsWithATitleUidAndPanels() {
        assertThat(dashboard.path("uid").asText()).isEqualTo("bolometer");
        assertThat(dashboard.path("title").asText()).isEqualTo("Bolometer");
        assertThat(panels()).hasSizeGreaterThanOrEqualTo(REQUIRED_METRICS.size());
        for (JsonNode panel : panels()) {
            assertThat(exprs(panel)).as("queries of %s", panel.path("title")).isNotEmpty().doesNotContain("");
        }
    }

    @Test
    void everyQueryNamesOnlyMetricsTheCodeExports() {
        for (JsonNode panel : panels()) {
            for (String expr : exprs(panel)) {
                Set<String> names = metricNames(expr);
                assertThat(names).as("metrics in %s: %s", panel.path("title"), expr).isNotEmpty();
                for (String name : names) {
                    assertThat(EXPORTED_METRICS).as("%s in panel %s", name, panel.path("title")).contains(baseName(name));
                    if (!name.equals(baseName(name))) {
                        assertThat(name).as("only histograms have _bucket").matches(".*_seconds_(bucket|count|sum)");
                    }
                }
            }
        }
    }

    @Test
    void everyAskedForQuestionHasAPanel() {
        Set<String> used = new LinkedHashSet<>();
        panels().forEach(p -> exprs(p).forEach(e -> metricNames(e).forEach(n -> used.add(baseName(n)))));

        assertThat(used).containsAll(REQUIRED_METRICS);
    }

    @Test
    void everyPanelGroupsByNodeAndFiltersByTheNodeVariable() {
        for (JsonNode panel : panels()) {
            for (String expr : exprs(panel)) {
                Matcher m = GROUPING.matcher(expr);
                boolean any = false;
                while (m.find()) {
                    any = true;
                    assertThat(m.group(1).split("\\s*,\\s*")).as("grouping in %s: %s", panel.path("title"), expr)
                            .contains("node");
                }
                assertThat(any).as("%s groups by node: %s", panel.path("title"), expr).isTrue();
                assertThat(expr).as("%s filters by $node", panel.path("title")).contains("node=~\"$node\"");
            }
        }
    }

    @Test
    void nodeVariableListsTheNodesThatRunAgents() {
        JsonNode node = null;
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("node".equals(variable.path("name").asText())) {
                node = variable;
            }
        }
        assertThat(node).as("a $node variable").isNotNull();
        assertThat(node.path("definition").asText()).isEqualTo("label_values(profiling_targets, node)");
        assertThat(node.path("includeAll").asBoolean()).isTrue();
    }

    @Test
    void latencyPanelsUseHistogramQuantilesOverBuckets() {
        List<String> quantiles = panels().stream().flatMap(p -> exprs(p).stream())
                .filter(e -> e.startsWith("histogram_quantile")).toList();

        assertThat(quantiles).anyMatch(e -> e.contains("profiling_capture_duration_seconds_bucket"))
                .anyMatch(e -> e.contains("profiling_upload_duration_seconds_bucket"))
                .allMatch(e -> e.matches(".*by \\([^)]*\\ble\\b[^)]*\\).*"));
    }
}
