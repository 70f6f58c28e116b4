package io.bolometer.bench.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.bench.SmokeRun;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code make bench}'s coordinator program working: its smoke run (child JVMs, mock API server) writes every
 * figure as a finite number, and the end-to-end runs wrote what the pure planner planned.
 */
class CoordinatorBenchKubeTest {
    @TempDir
    Path dir;

    @Test
    void smokeRunWritesEveryFigureAsAFiniteNumber() throws Exception {
        Map<String, Double> figures = SmokeRun.figures(dir, "coordinator.json", CoordinatorBench::main);

        assertThat(figures).containsKeys("coordinator_plan_seconds", "coordinator_plan_heap_mib",
                "assignment_writes_per_touched_node", "coordinator_plan_pods", "coordinator_plan_nodes",
                "coordinator_plan_pure_seconds", "coordinator_plan_pure_heap_mib", "coordinator_e2e_pods",
                "coordinator_e2e_seconds", "coordinator_e2e_extrapolated_seconds_150k", "burst_pods",
                "burst_touched_nodes", "burst_assignment_writes");
        assertThat(figures.get("coordinator_plan_pods").intValue()).isEqualTo(3_000);
        assertThat(figures.get("burst_touched_nodes").intValue()).isEqualTo(5);
        assertThat(figures.get("coordinator_e2e_assignments").intValue())
                .as("one assignment per node with selected pods").isEqualTo(10);
        assertThat(figures.get("coordinator_plan_pure_assignments").intValue()).isEqualTo(100);
    }
}
