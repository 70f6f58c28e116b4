package io.bolometer.coordinator.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.S3Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AssignmentBudgetTest {
    private static final AssignmentPlanner PLANNER = new AssignmentPlanner(Configs.SETTINGS);

    /** A tenant's many pods on node-a with the longest path and a label load, next to a healthy team's one pod. */
    private static Plan crowdedNodeA(int hostilePods) {
        List<PodInfo> pods = new ArrayList<>();
        for (int i = 0; i < hostilePods; i++) {
            pods.add(Pods.running("evil", String.format("flood-%04d", i)).labels("app", "flood", "filler", "x".repeat(60))
                    .annotations("profiling.io/path", "/" + "p".repeat(127)).on("node-a").build());
        }
        pods.add(Pods.running("shop", "checkout-0").labels("app", "checkout").on("node-a").build());
        pods.add(Pods.running("shop", "checkout-1").labels("app", "checkout").on("node-b").build());
        pods.add(Pods.running("evil", "flood-b").labels("app", "flood").on("node-b").build());
        List<ProfilingConfig> configs = List.of(
                Configs.in("evil", "flood").s3(new S3Config("evil-bucket", "evil/" + "p".repeat(200), null, null, null)).build(),
                Configs.in("shop", "checkout").build());
        return PLANNER.plan(configs, pods, Map.of());
    }

    @Test
    void leavesTheConfigThatAddsMostOutOfAnOverfullNodeAndKeepsTheOthers() {
        Plan plan = crowdedNodeA(300);
        assertThat(AssignmentBudget.jsonBytes(plan.assignments().get("node-a"))).isGreaterThan(100_000);

        AssignmentBudget.Outcome outcome = new AssignmentBudget(100_000).apply(plan.assignments());

        ProfilingAssignmentSpec nodeA = outcome.assignments().get("node-a");
        assertThat(nodeA.getTargets()).extracting(t -> t.getName()).containsExactly("checkout-0");
        assertThat(nodeA.getConfigs()).extracting(c -> c.id()).containsExactly("shop/checkout");
        assertThat(AssignmentBudget.jsonBytes(nodeA)).isLessThanOrEqualTo(100_000);
        assertThat(outcome.assignments().get("node-b")).as("another node is untouched")
                .isEqualTo(plan.assignments().get("node-b"));
        assertThat(outcome.leftOut()).containsOnlyKeys("evil/flood");
        assertThat(outcome.leftOut().get("evil/flood")).singleElement().asString()
                .startsWith("its targets on node node-a were left out: the node's assignment would be ")
                .endsWith(" bytes, over the budget of 100000");
    }

    @Test
    void changesNothingWhileEveryNodeFits() {
        Plan plan = crowdedNodeA(10);

        AssignmentBudget.Outcome outcome = new AssignmentBudget(AssignmentBudget.DEFAULT_BUDGET_BYTES).apply(plan.assignments());

        assertThat(outcome.assignments()).isEqualTo(plan.assignments());
        assertThat(outcome.leftOut()).isEmpty();
    }

    @Test
    void keepsATargetSharedWithAnotherConfigButDropsTheLeftOutConfigFromIt() {
        ProfilingConfig wide = Configs.in(Configs.COORDINATOR_NAMESPACE, "wide").namespace("shop")
                .s3(new S3Config("b-1", "p".repeat(256), null, null, null)).build();
        ProfilingConfig narrow = Configs.in("shop", "narrow").build();
        Plan plan = PLANNER.plan(List.of(wide, narrow), List.of(Pods.running("shop", "a").build()), Map.of());
        int withBoth = AssignmentBudget.jsonBytes(plan.assignments().get("node-a"));

        AssignmentBudget.Outcome outcome = new AssignmentBudget(withBoth - 1).apply(plan.assignments());

        ProfilingAssignmentSpec nodeA = outcome.assignments().get("node-a");
        assertThat(nodeA.getConfigs()).extracting(c -> c.id()).containsExactly("shop/narrow");
        assertThat(nodeA.getTargets()).singleElement().satisfies(t -> assertThat(t.getConfigs()).containsExactly("shop/narrow"));
        assertThat(outcome.leftOut()).containsOnlyKeys(Configs.COORDINATOR_NAMESPACE + "/wide");
    }

    @Test
    void dropsTheNodeWhenNoConfigFitsAlone() {
        Plan plan = crowdedNodeA(0);

        AssignmentBudget.Outcome outcome = new AssignmentBudget(10).apply(plan.assignments());

        assertThat(outcome.assignments()).isEmpty();
        assertThat(outcome.leftOut()).containsOnlyKeys("evil/flood", "shop/checkout");
    }
}
