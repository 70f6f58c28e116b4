package io.bolometer.bench.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.bench.SmokeRun;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps {@code make bench}'s API-request program working: its smoke run writes every figure, computed from real checks. */
class ApiRequestsBenchKubeTest {
    @TempDir
    Path dir;

    @Test
    void smokeRunWritesEveryFigureAsAFiniteNumberFromObservedChecks() throws Exception {
        Map<String, Double> figures = SmokeRun.figures(dir, "api.json", ApiRequestsBench::main);

        assertThat(figures).containsKeys("api_requests_per_check", "api_requests_observed", "api_checks_observed",
                "api_nodes", "api_status_writes_in_window", "api_pprof_fetches");
        assertThat(figures.get("api_nodes")).isEqualTo(2);
        assertThat(figures.get("api_checks_observed")).as("at least three checks per node").isGreaterThanOrEqualTo(6);
        assertThat(figures.get("api_requests_per_check"))
                .isEqualTo(figures.get("api_requests_observed") / figures.get("api_checks_observed"));
    }
}
