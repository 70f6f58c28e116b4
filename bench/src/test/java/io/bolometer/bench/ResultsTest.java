package io.bolometer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTest {
    @TempDir
    Path dir;

    @Test
    void mergesAProgramsFragmentAndKeepsUnmeasuredFiguresAsNull() throws Exception {
        Path fragment = Files.writeString(dir.resolve("f.json"),
                "{\"coordinator_plan_seconds\": 2.5, \"raw_pods\": 150000, \"note\": \"pure planner\"}");
        Results results = new Results().put("agent_rss_mib", 80.123456).merge(fragment).notMeasured("api_requests_per_check");
        Path out = dir.resolve("results.json");
        results.write(out);

        JsonNode json = new ObjectMapper().readTree(out.toFile());
        assertThat(json.get("agent_rss_mib").doubleValue()).isEqualTo(80.1235);
        assertThat(json.get("coordinator_plan_seconds").doubleValue()).isEqualTo(2.5);
        assertThat(json.get("raw_pods").doubleValue()).isEqualTo(150000.0);
        assertThat(json.get("note").textValue()).isEqualTo("pure planner");
        assertThat(json.get("api_requests_per_check").isNull()).isTrue();
    }

    @Test
    void writesAFigurePerVariantAsAnObjectInTheVariantsOrder() throws Exception {
        java.util.Map<String, Double> rss = new java.util.LinkedHashMap<>();
        rss.put("image", 145.123456);
        rss.put("jdk17", 139.7);
        rss.put("broken", Double.NaN);
        Path out = dir.resolve("results.json");
        new Results().put("agent_rss_mib_by_variant", rss).write(out);

        JsonNode byVariant = new ObjectMapper().readTree(out.toFile()).get("agent_rss_mib_by_variant");
        assertThat(byVariant.isObject()).isTrue();
        assertThat(byVariant.fieldNames()).toIterable().containsExactly("image", "jdk17", "broken");
        assertThat(byVariant.get("image").doubleValue()).isEqualTo(145.1235);
        assertThat(byVariant.get("broken").isNull()).isTrue();
    }

    @Test
    void notMeasuredNeverOverwritesAValue() {
        Results results = new Results().put("agent_cpu_millicores", 3.0).notMeasured("agent_cpu_millicores");
        assertThat(results.number("agent_cpu_millicores")).isEqualTo(3.0);
    }

    @Test
    void aNonFiniteFigureIsRecordedAsNotMeasured() {
        assertThat(new Results().put("trigger_latency_p99_seconds", Double.NaN).number("trigger_latency_p99_seconds"))
                .isNull();
    }

    @Test
    void tableGivesVerdictsAgainstEachGoal() {
        Results results = new Results().put("agent_rss_mib", 120).put("agent_cpu_millicores", 4)
                .put("profiles_per_s_at_half_core", 25).put("api_requests_per_check", 0)
                .put("trigger_latency_p99_seconds", 10.5);
        String table = results.table(Results.goals(10));

        assertThat(table).contains("| ≤ 96 MiB | 120 | MISS (x1.25) |")
                .contains("| ≤ 5 mCPU | 4 | pass |")
                .contains("| ≥ 50 /s | 25 | MISS (x2) |")
                .contains("(`api_requests_per_check`) | ≤ 0 | 0 | pass |")
                .contains("| ≤ 11 s | 10.5 | pass |")
                .contains("(`coordinator_plan_seconds`) | ≤ 5 s | not measured | not measured |");
    }

    @Test
    void percentilesAreNearestRank() {
        List<Double> values = List.of(5.0, 1.0, 4.0, 2.0, 3.0);
        assertThat(Stats.percentile(values, 99)).isEqualTo(5.0);
        assertThat(Stats.median(values)).isEqualTo(3.0);
        assertThat(Stats.percentile(values, 20)).isEqualTo(1.0);
        assertThat(Stats.percentile(List.of(), 50)).isNaN();
    }
}
