package io.bolometer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bolometer.agent.testing.GoToolchain;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole {@code make bench} harness at toy size (10 pods, seconds of steady state, one variant: the image's,
 * so its AOT training run is exercised too), so it cannot rot: every agent figure must come out as a finite number. Timings are not asserted; the coordinator
 * programs are left out here (they run at full scale only under {@code make bench}).
 */
class BenchSmokeIT {
    private static final List<String> AGENT_KEYS = List.of("agent_rss_mib", "agent_cpu_millicores",
            "capture_overhead_ratio", "capture_agent_seconds_median", "capture_plain_seconds_median",
            "trigger_latency_p99_seconds", "trigger_latency_cpu_p99_seconds", "profiles_per_s_at_half_core",
            "throughput_cpu_derived_profiles_per_s_at_half_core", "agent_rss_mib_image", "agent_ready_seconds",
            "agent_ready_seconds_image", "agent_first_check_seconds_image",
            "steady_mock_api_requests_per_check_per_node");
    private static final List<String> PROGRAM_KEYS = List.of("api_requests_per_check", "coordinator_plan_seconds",
            "coordinator_plan_heap_mib", "assignment_writes_per_touched_node");

    @TempDir
    Path dir;

    @Test
    void producesEveryAgentFigureAsAFiniteNumber() throws Exception {
        Path out = dir.resolve("results.json");
        Results results = BenchMain.run(GoToolchain.repoRoot(), Map.of("pods", "10", "steady-seconds", "12",
                "check-seconds", "5", "crossings", "2", "cpu-crossings", "2", "wave", "4", "overhead-samples", "2",
                "throughput-seconds", "2", "variants", "image", "programs", "false"), dir);
        for (Goal goal : Results.goals(5)) {
            results.notMeasured(goal.key());
        }
        results.write(out);

        JsonNode json = new ObjectMapper().readTree(out.toFile());
        for (String key : AGENT_KEYS) {
            assertThat(json.path(key).isNumber()).as(key + " in " + json).isTrue();
            assertThat(Double.isFinite(json.path(key).doubleValue())).as(key).isTrue();
        }
        assertThat(json.path("agent_rss_mib").doubleValue()).isPositive();
        assertThat(json.path("agent_rss_mib_by_variant").path("image").doubleValue())
                .isEqualTo(json.path("agent_rss_mib").doubleValue());
        assertThat(json.path("agent_loaded_classes_by_variant").path("image").doubleValue()).isGreaterThan(1000);
        assertThat(json.path("throughput_profiles").doubleValue()).as("two profile types per pod, per round")
                .isEqualTo(20.0 * json.path("throughput_rounds").doubleValue());
        assertThat(json.path("trigger_missed").doubleValue()).isZero();
        for (String key : PROGRAM_KEYS) {
            assertThat(json.has(key)).as(key + " recorded, null when not measured").isTrue();
        }
        assertThat(results.table(Results.goals(5))).contains("| not measured |").contains("agent_rss_mib");
        // The image's JVM (Java 25, AOT cache) writes nothing of its own to the agent's output: no native-access
        // warning when the CRT loads (it would break LOG_FORMAT=json's one object per line), no AOT cache error.
        List<String> jvmLines = java.nio.file.Files.readAllLines(dir.resolve("agent-image.log")).stream()
                .filter(line -> line.startsWith("WARNING") || line.startsWith("[")).toList();
        assertThat(jvmLines).as("JVM lines in agent-image.log").isEmpty();
    }
}
