package io.bolometer.coordinator.planning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus.ConfigCounters;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.ProfilingConfigStatus;
import io.bolometer.model.v1alpha1.RecentCapture;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00.123Z");
    private static final Instant T1 = T0.plus(Duration.ofMinutes(5));
    private final StatusAggregator aggregator = new StatusAggregator();
    private final ProfilingConfig config = Configs.in("shop", "checkout").generation(3).build();

    private static ProfilingAssignment assignment(String node, ConfigCounters... counters) {
        ProfilingAssignment assignment = new ProfilingAssignment();
        assignment.setMetadata(new ObjectMetaBuilder().withName(node).build());
        ProfilingAssignmentStatus status = new ProfilingAssignmentStatus();
        status.setConfigs(new ArrayList<>(List.of(counters)));
        assignment.setStatus(status);
        return assignment;
    }

    private static ConfigSelection selection(int pods, int nodes) {
        return new ConfigSelection("shop/checkout",
                IntStream.range(0, pods).mapToObj(i -> "shop/checkout-" + i).toList(),
                IntStream.range(0, nodes).mapToObj(i -> "node-" + i).toList());
    }

    private static Condition condition(ProfilingConfigStatus status, String type) {
        return status.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void sumsCountersOfThisConfigAcrossNodes() {
        List<ProfilingAssignment> assignments = List.of(
                assignment("node-a", new ConfigCounters("shop/checkout", 4L, 3L, 1L, "2024-05-01T09:00:00Z"),
                        new ConfigCounters("shop/cart", 100L, 100L, 100L, "2024-05-01T09:59:00Z")),
                assignment("node-b", new ConfigCounters("shop/checkout", 6L, 6L, null, "2024-05-01T09:30:00Z")),
                assignment("node-c"),
                new ProfilingAssignment());

        ProfilingConfigStatus status = aggregator.aggregate(config, Validation.VALID, selection(3, 2), assignments, T0);

        assertThat(status.getCapturesTotal()).isEqualTo(10L);
        assertThat(status.getUploadsTotal()).isEqualTo(9L);
        assertThat(status.getErrorsTotal()).isEqualTo(1L);
        assertThat(status.getLastCaptureTime()).isEqualTo("2024-05-01T09:30:00Z");
        assertThat(status.getObservedGeneration()).isEqualTo(3L);
    }

    private static ConfigCounters withRecent(String config, RecentCapture... recent) {
        ConfigCounters counters = new ConfigCounters(config, 1L, 1L, 0L, null);
        counters.setRecentCaptures(List.of(recent));
        return counters;
    }

    private static RecentCapture recent(String node, String time, String type) {
        return new RecentCapture(time, "shop", "checkout-" + node, node, type, "threshold-exceeded",
                "s3://b/" + node + "/" + time + "-" + type + ".pprof", "cpu 93% of limit \u2265 80%", "main.burnCPU 66%",
                "no baseline");
    }

    @Test
    void foldsTheNodesRecentCapturesIntoTheTenNewestOfTheConfigNewestFirst() {
        List<RecentCapture> nodeA = new ArrayList<>();
        List<RecentCapture> nodeB = new ArrayList<>();
        for (int minute = 0; minute < 8; minute++) {
            nodeA.add(0, recent("node-a", "2024-05-01T09:0" + minute + ":00Z", "cpu"));
            nodeB.add(0, recent("node-b", "2024-05-01T09:0" + minute + ":30Z", "heap"));
        }
        List<ProfilingAssignment> assignments = List.of(
                assignment("node-a", withRecent("shop/checkout", nodeA.toArray(RecentCapture[]::new)),
                        withRecent("shop/cart", recent("node-a", "2024-05-01T09:59:00Z", "cpu"))),
                assignment("node-b", withRecent("shop/checkout", nodeB.toArray(RecentCapture[]::new))));

        ProfilingConfigStatus status = aggregator.aggregate(config, Validation.VALID, selection(2, 2), assignments, T0);

        assertThat(status.getRecentCaptures()).hasSize(RecentCapture.MAX_ENTRIES)
                .extracting(RecentCapture::getTime).startsWith("2024-05-01T09:07:30Z", "2024-05-01T09:07:00Z",
                        "2024-05-01T09:06:30Z").endsWith("2024-05-01T09:03:00Z").doesNotContain("2024-05-01T09:59:00Z");
    }

    @Test
    void keepsRecentCapturesOfANodeThatWentAwayUntilNewerOnesPushThemOut() {
        config.setStatus(aggregator.aggregate(config, Validation.VALID, selection(1, 1), List.of(assignment("node-a",
                withRecent("shop/checkout", recent("node-a", "2024-05-01T09:00:00Z", "cpu")))), T0));

        ProfilingConfigStatus status = aggregator.aggregate(config, Validation.VALID, selection(1, 1), List.of(
                assignment("node-b", withRecent("shop/checkout", recent("node-b", "2024-05-01T09:05:00Z", "cpu"),
                        recent("node-a", "2024-05-01T09:00:00Z", "cpu")))), T1);

        assertThat(status.getRecentCaptures()).extracting(RecentCapture::getNode).containsExactly("node-b", "node-a");
        assertThat(aggregator.aggregate(Configs.in("shop", "checkout").generation(3).build(), Validation.VALID,
                selection(1, 1), List.of(), T1).getRecentCaptures()).as("none listed anywhere").isNull();
    }

    @Test
    void comparesCaptureTimesAsInstantsNotAsText() {
        List<ProfilingAssignment> assignments = List.of(
                assignment("node-a", new ConfigCounters("shop/checkout", 1L, 1L, 0L, "2024-05-01T09:00:00Z")),
                assignment("node-b", new ConfigCounters("shop/checkout", 1L, 1L, 0L, "2024-05-01T10:30:00+02:00")),
                assignment("node-c", new ConfigCounters("shop/checkout", 1L, 1L, 0L, "not a time")));

        ProfilingConfigStatus status = aggregator.aggregate(config, Validation.VALID, selection(1, 1), assignments, T0);

        assertThat(status.getLastCaptureTime()).isEqualTo("2024-05-01T09:00:00Z");
    }

    @Test
    void keepsTheLastCaptureTimeWhenItsNodeIsGone() {
        config.setStatus(aggregator.aggregate(config, Validation.VALID, selection(1, 1), List.of(
                assignment("node-a", new ConfigCounters("shop/checkout", 1L, 1L, 0L, "2024-05-01T09:00:00Z"))), T0));

        ProfilingConfigStatus status = aggregator.aggregate(config, Validation.VALID, selection(1, 1), List.of(), T1);

        assertThat(status.getLastCaptureTime()).isEqualTo("2024-05-01T09:00:00Z");
        assertThat(status.getCapturesTotal()).isZero();
    }

    @Test
    void reportsAssignedPodsAndNodesWhenValid() {
        ProfilingConfigStatus status = aggregator.aggregate(config, Validation.VALID, selection(14, 3), List.of(), T0);

        assertThat(status.getMatchedPods()).isEqualTo(14);
        assertThat(status.getNodes()).isEqualTo(3);
        assertThat(status.getCapturesTotal()).isZero();
        assertThat(status.getLastCaptureTime()).isNull();
        assertThat(status.getConditions())
                .extracting(Condition::getType, Condition::getStatus, Condition::getReason, Condition::getMessage,
                        Condition::getObservedGeneration, Condition::getLastTransitionTime)
                .containsExactly(
                        tuple("Valid", "True", "Valid", "The spec is valid", 3L, "2024-05-01T10:00:00Z"),
                        tuple("Ready", "True", "Assigned", "Assigned 14 pods on 3 nodes", 3L, "2024-05-01T10:00:00Z"));
        assertThat(condition(aggregator.aggregate(config, Validation.VALID, selection(1, 1), List.of(), T0), "Ready")
                .getMessage()).isEqualTo("Assigned 1 pod on 1 node");
    }

    @Test
    void reportsTheFirstTroubleOnReadyAndCountsTheRest() {
        ProfilingConfigStatus status = aggregator.aggregate(config, Validation.VALID, selection(4, 2), List.of(),
                List.of(new StatusAggregator.Trouble("AssignmentTooLarge", "its targets on node node-a were left out"),
                        new StatusAggregator.Trouble("AssignmentNotWritten", "node-b failed")), T0);

        assertThat(condition(status, "Ready")).extracting(Condition::getStatus, Condition::getReason, Condition::getMessage)
                .containsExactly("False", "AssignmentTooLarge",
                        "its targets on node node-a were left out (and 1 more problems on other nodes)");
        assertThat(condition(status, "Valid").getStatus()).isEqualTo("True");
    }

    @Test
    void reportsNoMatchingPodsWhenValidButEmpty() {
        ProfilingConfigStatus status = aggregator.aggregate(config, Validation.VALID, selection(0, 0), List.of(), T0);

        assertThat(condition(status, "Valid").getStatus()).isEqualTo("True");
        assertThat(condition(status, "Ready")).extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("False", "NoMatchingPods");
        assertThat(aggregator.aggregate(config, Validation.VALID, null, List.of(), T0).getMatchedPods()).isZero();
    }

    @Test
    void reportsInvalidSpecWithNoPods() {
        Validation invalid = Validation.invalid("NamespaceNotAllowed", List.of("spec.selector.namespace \"billing\" is not allowed"));

        ProfilingConfigStatus status = aggregator.aggregate(config, invalid, selection(5, 2), List.of(), T0);

        assertThat(status.getMatchedPods()).isZero();
        assertThat(status.getNodes()).isZero();
        assertThat(condition(status, "Valid")).extracting(Condition::getStatus, Condition::getReason, Condition::getMessage)
                .containsExactly("False", "NamespaceNotAllowed", "spec.selector.namespace \"billing\" is not allowed");
        assertThat(condition(status, "Ready")).extracting(Condition::getStatus, Condition::getReason, Condition::getMessage)
                .containsExactly("False", "InvalidSpec", "Invalid spec: spec.selector.namespace \"billing\" is not allowed");
    }

    @Test
    void keepsTransitionTimeWhenValidStaysTrue() {
        config.setStatus(aggregator.aggregate(config, Validation.VALID, selection(2, 1), List.of(), T0));
        config.getMetadata().setGeneration(4L);

        ProfilingConfigStatus status = aggregator.aggregate(config, Validation.VALID, selection(3, 2), List.of(), T1);

        assertThat(condition(status, "Valid").getLastTransitionTime()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(condition(status, "Valid").getObservedGeneration()).isEqualTo(4L);
        assertThat(condition(status, "Ready").getLastTransitionTime()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(condition(status, "Ready").getMessage()).isEqualTo("Assigned 3 pods on 2 nodes");
    }

    @Test
    void movesTransitionTimeWhenAConditionFlips() {
        config.setStatus(aggregator.aggregate(config, Validation.VALID, selection(2, 1), List.of(), T0));

        ProfilingConfigStatus status = aggregator.aggregate(config, Validation.VALID, selection(0, 0), List.of(), T1);

        assertThat(condition(status, "Valid").getLastTransitionTime()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(condition(status, "Ready").getLastTransitionTime()).isEqualTo("2024-05-01T10:05:00Z");
    }

    @Test
    void aggregatingAgainWithNothingChangedGivesAnEqualStatus() {
        List<ProfilingAssignment> assignments = List.of(
                assignment("node-a", new ConfigCounters("shop/checkout", 4L, 3L, 1L, "2024-05-01T09:00:00Z")));
        ProfilingConfigStatus first = aggregator.aggregate(config, Validation.VALID, selection(2, 1), assignments, T0);
        config.setStatus(first);

        ProfilingConfigStatus again = aggregator.aggregate(config, Validation.VALID, selection(2, 1), assignments, T1);

        assertThat(again).isEqualTo(first);
        assertThat(aggregator.aggregate(config, Validation.VALID, selection(2, 1), assignments, T1)).isEqualTo(again);
    }
}
