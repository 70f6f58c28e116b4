package io.bolometer.coordinator.planning;

import static io.bolometer.coordinator.planning.Fixtures.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus.ConfigCounters;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.ProfilingConfigStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {
    private static final Instant T1 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-25T11:00:00Z");
    private final StatusAggregator aggregator = new StatusAggregator();
    private final ProfilingConfig config = config("shop", "checkout", Map.of("app", "checkout"));
    private final ConfigSelection selection = new ConfigSelection("shop/checkout",
            List.of("shop/a", "shop/b", "shop/c"), List.of("node-a", "node-b"));

    private static ProfilingAssignment assignment(ConfigCounters... counters) {
        ProfilingAssignment assignment = new ProfilingAssignment();
        ProfilingAssignmentStatus status = new ProfilingAssignmentStatus();
        status.setConfigs(List.of(counters));
        assignment.setStatus(status);
        return assignment;
    }

    private static Condition condition(ProfilingConfigStatus status, String type) {
        return status.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void sumsTheCountersOfThisConfigAcrossNodesAndKeepsTheNewestCaptureTime() {
        List<ProfilingAssignment> assignments = List.of(
                assignment(new ConfigCounters("shop/checkout", 8L, 7L, 1L, "2026-11-25T09:00:00Z"),
                        new ConfigCounters("shop/other", 100L, 100L, 100L, "2026-11-25T12:00:00Z")),
                assignment(new ConfigCounters("shop/checkout", 4L, 4L, 0L, "2026-11-25T09:30:00Z")),
                new ProfilingAssignment());

        ProfilingConfigStatus status = aggregator.aggregate(config, Validation.VALID, selection, assignments, T1);

        assertThat(status.getObservedGeneration()).isEqualTo(3L);
        assertThat(status.getMatchedPods()).isEqualTo(3);
        assertThat(status.getNodes()).isEqualTo(2);
        assertThat(status.getCapturesTotal()).isEqualTo(12L);
        assertThat(status.getUploadsTotal()).isEqualTo(11L);
        assertThat(status.getErrorsTotal()).isEqualTo(1L);
        assertThat(status.getLastCaptureTime()).isEqualTo("2026-11-25T09:30:00Z");
        assertThat(condition(status, "Ready").getMessage()).isEqualTo("Assigned 3 pods on 2 nodes");
        assertThat(condition(status, "Valid").getStatus()).isEqualTo("True");
    }

    @Test
    void reportsAnInvalidSpecInBothConditions() {
        Validation invalid = Validation.invalid("InvalidSpec",
                List.of("cpuProfileSeconds (30) must be shorter than checkIntervalSeconds (10)"));

        ProfilingConfigStatus status = aggregator.aggregate(config, invalid, null, List.of(), T1);

        assertThat(status.getMatchedPods()).isZero();
        assertThat(condition(status, "Valid").getStatus()).isEqualTo("False");
        assertThat(condition(status, "Valid").getReason()).isEqualTo("InvalidSpec");
        assertThat(condition(status, "Valid").getMessage())
                .isEqualTo("Invalid spec: cpuProfileSeconds (30) must be shorter than checkIntervalSeconds (10)");
        assertThat(condition(status, "Ready").getReason()).isEqualTo("InvalidSpec");
    }

    @Test
    void saysNoMatchingPodsWhenTheSelectorFindsNothing() {
        ProfilingConfigStatus status = aggregator.aggregate(config, Validation.VALID,
                new ConfigSelection("shop/checkout", List.of(), List.of()), List.of(), T1);

        assertThat(condition(status, "Ready").getStatus()).isEqualTo("False");
        assertThat(condition(status, "Ready").getReason()).isEqualTo("NoMatchingPods");
    }

    @Test
    void keepsTheTransitionTimeWhileAConditionKeepsItsStatus() {
        ProfilingConfigStatus first = aggregator.aggregate(config, Validation.VALID, selection, List.of(), T1);
        config.setStatus(first);

        ProfilingConfigStatus second = aggregator.aggregate(config, Validation.VALID, selection, List.of(), T2);
        ProfilingConfigStatus invalid = aggregator.aggregate(config, Validation.invalid("InvalidSpec", List.of("x")),
                null, List.of(), T2);

        assertThat(second).isEqualTo(first);
        assertThat(condition(second, "Valid").getLastTransitionTime()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(condition(invalid, "Valid").getLastTransitionTime()).isEqualTo("2026-11-25T11:00:00Z");
    }
}
