package io.bolometer.coordinator.planning;

import static io.bolometer.coordinator.planning.Fixtures.SETTINGS;
import static io.bolometer.coordinator.planning.Fixtures.config;
import static io.bolometer.coordinator.planning.Fixtures.pod;
import static io.bolometer.coordinator.planning.Fixtures.withExpressions;
import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.AssignedConfig;
import io.bolometer.model.v1alpha1.AssignedTarget;
import io.bolometer.model.v1alpha1.LabelSelectorRequirement;
import io.bolometer.model.v1alpha1.LabelSelectorRequirement.Operator;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AssignmentPlannerTest {
    private final AssignmentPlanner planner = new AssignmentPlanner(SETTINGS);
    private final ProfilingConfig shopCheckout = config("shop", "checkout", Map.of("app", "checkout"));

    private static List<String> targetIds(Plan plan, String node) {
        return plan.assignments().get(node).getTargets().stream().map(t -> t.getNamespace() + "/" + t.getName()).toList();
    }

    @Test
    void selectsOnlyAnnotatedRunningPodsWithAnIpInItsOwnNamespace() {
        List<PodInfo> pods = List.of(
                pod("shop", "checkout-1").label("app", "checkout").build(),
                pod("shop", "checkout-2").label("app", "checkout").notAnnotated().build(),
                pod("shop", "checkout-3").label("app", "checkout").phase("Pending").build(),
                pod("shop", "checkout-4").label("app", "checkout").ip("").build(),
                pod("shop", "checkout-5").label("app", "checkout").terminating().build(),
                pod("other", "checkout-6").label("app", "checkout").build(),
                pod("shop", "cart-1").label("app", "cart").build());

        Plan plan = planner.plan(List.of(shopCheckout), pods, Map.of());

        assertThat(plan.assignments()).containsOnlyKeys("node-a");
        assertThat(targetIds(plan, "node-a")).containsExactly("shop/checkout-1");
        assertThat(plan.selections().get("shop/checkout").pods()).containsExactly("shop/checkout-1");
        assertThat(plan.selections().get("shop/checkout").nodes()).containsExactly("node-a");
    }

    @Test
    void configInTheCoordinatorNamespaceSelectsAcrossNamespaces() {
        ProfilingConfig global = config("bolometer-system", "all-go", Map.of("lang", "go"));
        List<PodInfo> pods = List.of(pod("shop", "a").label("lang", "go").build(),
                pod("billing", "b").label("lang", "go").on("node-b").build());

        Plan plan = planner.plan(List.of(global), pods, Map.of());

        assertThat(plan.assignments()).containsOnlyKeys("node-a", "node-b");
        assertThat(plan.selections().get("bolometer-system/all-go").pods()).containsExactly("billing/b", "shop/a");
    }

    @Test
    void matchesSetBasedExpressionsWithKubernetesSemantics() {
        ProfilingConfig config = withExpressions(config("shop", "cfg", null),
                new LabelSelectorRequirement("tier", Operator.In, List.of("web", "api")),
                new LabelSelectorRequirement("canary", Operator.NotIn, List.of("true")),
                new LabelSelectorRequirement("team", Operator.Exists, null),
                new LabelSelectorRequirement("legacy", Operator.DoesNotExist, null));
        List<PodInfo> pods = List.of(
                pod("shop", "match").label("tier", "web").label("team", "x").build(),
                pod("shop", "canary").label("tier", "web").label("team", "x").label("canary", "true").build(),
                pod("shop", "no-team").label("tier", "api").build(),
                pod("shop", "legacy").label("tier", "api").label("team", "x").label("legacy", "1").build(),
                pod("shop", "batch").label("tier", "batch").label("team", "x").build());

        Plan plan = planner.plan(List.of(config), pods, Map.of());

        assertThat(targetIds(plan, "node-a")).containsExactly("shop/match");
    }

    @Test
    void podSelectedByTwoConfigsIsOneTargetWithBothConfigs() {
        ProfilingConfig byApp = config("shop", "by-app", Map.of("app", "checkout"));
        ProfilingConfig byTeam = config("shop", "by-team", Map.of("team", "payments"));
        PodInfo pod = pod("shop", "checkout-1").label("app", "checkout").label("team", "payments").build();

        Plan plan = planner.plan(List.of(byTeam, byApp), List.of(pod), Map.of());

        assertThat(plan.assignments().get("node-a").getTargets()).singleElement()
                .satisfies(t -> assertThat(t.getConfigs()).containsExactly("shop/by-app", "shop/by-team"));
        assertThat(plan.assignments().get("node-a").getConfigs()).extracting(AssignedConfig::id)
                .containsExactly("shop/by-app", "shop/by-team");
    }

    @Test
    void resolvesServicePortPathTokenAndLimits() {
        PodInfo pod = pod("shop", "checkout-7d9f8c6b5-x2x4q").label("app", "checkout")
                .owner("ReplicaSet", "checkout-7d9f8c6b5").annotation("profiling.io/port", "7070")
                .annotation("profiling.io/path", "/internal/pprof").annotation("profiling.io/capture", "t-1")
                .cpu(0.25, 1.5).memory(64L << 20, 256L << 20).build();

        AssignedTarget target = planner.plan(List.of(shopCheckout), List.of(pod), Map.of())
                .assignments().get("node-a").getTargets().get(0);

        assertThat(target.getService()).isEqualTo("checkout");
        assertThat(target.getPodIP()).isEqualTo("10.0.0.1");
        assertThat(target.getPort()).isEqualTo(7070);
        assertThat(target.getPath()).isEqualTo("/internal/pprof");
        assertThat(target.getCaptureToken()).isEqualTo("t-1");
        assertThat(target.getCpuCores()).isEqualTo(1.5);
        assertThat(target.getCpuBasis()).isEqualTo("limit");
        assertThat(target.getMemoryBytes()).isEqualTo(256L << 20);
        assertThat(target.getMemoryBasis()).isEqualTo("limit");
        assertThat(target.getUid()).isEqualTo("uid-checkout-7d9f8c6b5-x2x4q");
    }

    @Test
    void fallsBackToRequestThenToNodeAllocatable() {
        PodInfo requestOnly = pod("shop", "a").label("app", "checkout").cpu(0.5, 0).build();
        PodInfo nothing = pod("shop", "b").label("app", "checkout").build();

        List<AssignedTarget> targets = planner.plan(List.of(shopCheckout), List.of(requestOnly, nothing),
                Map.of("node-a", new NodeInfo("node-a", 4, 16L << 30))).assignments().get("node-a").getTargets();

        assertThat(targets.get(0).getCpuCores()).isEqualTo(0.5);
        assertThat(targets.get(0).getCpuBasis()).isEqualTo("request");
        assertThat(targets.get(0).getMemoryBasis()).isEqualTo("allocatable");
        assertThat(targets.get(1).getCpuCores()).isEqualTo(4.0);
        assertThat(targets.get(1).getCpuBasis()).isEqualTo("allocatable");
        assertThat(targets.get(1).getMemoryBytes()).isEqualTo(16L << 30);
    }

    @Test
    void skipsPodsWithBadAnnotationsAndReportsThem() {
        List<PodInfo> pods = List.of(
                pod("shop", "port-abc").label("app", "checkout").annotation("profiling.io/port", "abc").build(),
                pod("shop", "port-0").label("app", "checkout").annotation("profiling.io/port", "0").build(),
                pod("shop", "port-70000").label("app", "checkout").annotation("profiling.io/port", "70000").build(),
                pod("shop", "dotdot").label("app", "checkout").annotation("profiling.io/path", "/debug/../admin").build(),
                pod("shop", "scheme").label("app", "checkout").annotation("profiling.io/path", "http://evil/x").build(),
                pod("shop", "good").label("app", "checkout").build());

        Plan plan = planner.plan(List.of(shopCheckout), pods, Map.of());

        assertThat(targetIds(plan, "node-a")).containsExactly("shop/good");
        assertThat(plan.problems()).extracting(PodProblem::podId)
                .containsExactly("shop/dotdot", "shop/port-0", "shop/port-70000", "shop/port-abc", "shop/scheme");
        assertThat(plan.problems()).filteredOn(p -> p.podId().equals("shop/port-abc")).singleElement()
                .extracting(PodProblem::message).isEqualTo("profiling.io/port \"abc\" is not a port number (1-65535)");
    }

    @Test
    void leavesNodesWithoutTargetsOutOfThePlan() {
        List<PodInfo> before = List.of(pod("shop", "a").label("app", "checkout").build(),
                pod("shop", "b").label("app", "checkout").on("node-b").build());
        List<PodInfo> after = List.of(before.get(0));

        assertThat(planner.plan(List.of(shopCheckout), before, Map.of()).assignments()).containsOnlyKeys("node-a", "node-b");
        assertThat(planner.plan(List.of(shopCheckout), after, Map.of()).assignments()).containsOnlyKeys("node-a");
        assertThat(planner.plan(List.of(), after, Map.of()).assignments()).isEmpty();
    }

    @Test
    void appliesEveryDefaultInTheAssignedConfig() {
        AssignedConfig assigned = planner.plan(List.of(shopCheckout),
                List.of(pod("shop", "a").label("app", "checkout").build()), Map.of()).assignments().get("node-a").getConfigs().get(0);

        assertThat(assigned.getGeneration()).isEqualTo(3L);
        assertThat(assigned.getThresholds().getCpuThresholdPercent()).isEqualTo(80);
        assertThat(assigned.getThresholds().getCheckIntervalSeconds()).isEqualTo(30);
        assertThat(assigned.getOnDemand().getEnabled()).isFalse();
        assertThat(assigned.getOnDemand().getIntervalSeconds()).isEqualTo(35);
        assertThat(assigned.getS3Config().getPrefix()).isEqualTo("profiles");
        assertThat(assigned.getProfileTypes()).containsExactly(ProfileType.HEAP, ProfileType.CPU, ProfileType.GOROUTINE, ProfileType.MUTEX);
        assertThat(assigned.getCpuProfileSeconds()).isEqualTo(10);
    }

    @Test
    void producesEqualPlansForShuffledInput() {
        List<PodInfo> pods = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            pods.add(pod("shop", "pod-" + i).label("app", i % 2 == 0 ? "checkout" : "cart").on("node-" + (i % 7)).build());
        }
        List<ProfilingConfig> configs = List.of(shopCheckout, config("shop", "cart", Map.of("app", "cart")));
        Plan first = planner.plan(configs, pods, Map.of());
        List<PodInfo> shuffled = new ArrayList<>(pods);
        Collections.shuffle(shuffled, new Random(42));
        List<ProfilingConfig> reversed = new ArrayList<>(configs);
        Collections.reverse(reversed);

        assertThat(planner.plan(reversed, shuffled, Map.of())).isEqualTo(first);
        assertThat(first.assignments()).hasSize(7);
    }

    @Test
    void plansTenThousandPodsOnFiveHundredNodes() {
        List<PodInfo> pods = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            pods.add(pod("shop", "pod-" + i).label("app", "checkout").ip("10.1." + (i / 250) + "." + (i % 250)).on("node-" + (i % 500)).build());
        }

        Plan plan = planner.plan(List.of(shopCheckout), pods, Map.of());

        assertThat(plan.assignments()).hasSize(500);
        assertThat(plan.assignments().values()).allSatisfy(spec -> assertThat(spec.getTargets()).hasSize(20));
        assertThat(plan.selections().get("shop/checkout").pods()).hasSize(10_000);
    }
}
