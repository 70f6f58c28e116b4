package io.bolometer.coordinator.planning;

import static io.bolometer.coordinator.planning.Configs.COORDINATOR_NAMESPACE;
import static io.bolometer.coordinator.planning.Configs.SETTINGS;
import static io.bolometer.model.v1alpha1.LabelSelectorRequirement.Operator.DoesNotExist;
import static io.bolometer.model.v1alpha1.LabelSelectorRequirement.Operator.Exists;
import static io.bolometer.model.v1alpha1.LabelSelectorRequirement.Operator.In;
import static io.bolometer.model.v1alpha1.LabelSelectorRequirement.Operator.NotIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.bolometer.model.PodAnnotations;
import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.AssignedConfig;
import io.bolometer.model.v1alpha1.AssignedTarget;
import io.bolometer.model.v1alpha1.OnDemand;
import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.S3Config;
import io.bolometer.model.v1alpha1.Thresholds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AssignmentPlannerTest {
    private static final long GIB = 1L << 30;
    private final AssignmentPlanner planner = new AssignmentPlanner(SETTINGS);
    private final Map<String, NodeInfo> nodes = Map.of(
            "node-a", new NodeInfo("node-a", 4.0, 16 * GIB),
            "node-b", new NodeInfo("node-b", 8.0, 32 * GIB));

    private Plan plan(List<ProfilingConfig> configs, PodInfo... pods) {
        return planner.plan(configs, List.of(pods), nodes);
    }

    private static List<String> targetIds(Plan plan, String node) {
        return plan.assignments().get(node).getTargets().stream().map(t -> t.getNamespace() + "/" + t.getName()).toList();
    }

    @Test
    void selectsOnlyAnnotatedRunningPodsInItsOwnNamespace() {
        ProfilingConfig config = Configs.in("shop", "checkout").labels("app", "checkout").build();

        Plan plan = plan(List.of(config),
                Pods.running("shop", "checkout-1").labels("app", "checkout").build(),
                Pods.running("shop", "checkout-2").labels("app", "checkout").annotations(PodAnnotations.ENABLED, "TRUE").build(),
                Pods.running("shop", "not-annotated").labels("app", "checkout").withoutAnnotation(PodAnnotations.ENABLED).build(),
                Pods.running("shop", "annotated-yes").labels("app", "checkout").annotations(PodAnnotations.ENABLED, "yes").build(),
                Pods.running("shop", "pending").labels("app", "checkout").phase("Pending").build(),
                Pods.running("shop", "no-ip").labels("app", "checkout").ip("").build(),
                Pods.running("shop", "unscheduled").labels("app", "checkout").on(null).build(),
                Pods.running("shop", "terminating").labels("app", "checkout").terminating().build(),
                Pods.running("shop", "other-app").labels("app", "cart").build(),
                Pods.running("billing", "checkout-3").labels("app", "checkout").build());

        assertThat(plan.selections().get("shop/checkout").pods()).containsExactly("shop/checkout-1", "shop/checkout-2");
        assertThat(targetIds(plan, "node-a")).containsExactly("shop/checkout-1", "shop/checkout-2");
        assertThat(plan.problems()).isEmpty();
    }

    @Test
    void configInCoordinatorNamespaceSelectsAcrossNamespaces() {
        ProfilingConfig everywhere = Configs.in(COORDINATOR_NAMESPACE, "all-go").build();
        ProfilingConfig onlyBilling = Configs.in(COORDINATOR_NAMESPACE, "billing").namespace("billing").build();

        Plan plan = plan(List.of(everywhere, onlyBilling),
                Pods.running("shop", "checkout-1").build(),
                Pods.running("billing", "invoices-1").on("node-b").build());

        assertThat(plan.selections().get("bolometer-system/all-go").pods())
                .containsExactly("billing/invoices-1", "shop/checkout-1");
        assertThat(plan.selections().get("bolometer-system/all-go").nodes()).containsExactly("node-a", "node-b");
        assertThat(plan.selections().get("bolometer-system/billing").pods()).containsExactly("billing/invoices-1");
    }

    @Test
    void configOutsideCoordinatorNamespaceNamingAnotherNamespaceSelectsNothing() {
        ProfilingConfig sneaky = Configs.in("shop", "sneaky").namespace("billing").build();

        Plan plan = plan(List.of(sneaky), Pods.running("billing", "invoices-1").build(),
                Pods.running("shop", "checkout-1").build());

        assertThat(plan.selections().get("shop/sneaky").pods()).isEmpty();
        assertThat(plan.assignments()).isEmpty();
    }

    @Test
    void matchExpressionsFollowKubernetesSemantics() {
        PodInfo prod = Pods.running("shop", "prod").labels("tier", "prod", "team", "a").build();
        PodInfo staging = Pods.running("shop", "staging").labels("tier", "staging").build();
        PodInfo untiered = Pods.running("shop", "untiered").labels("team", "a").build();

        assertThat(selected(Configs.in("shop", "c").expression("tier", In, "prod", "canary"), prod, staging, untiered))
                .containsExactly("shop/prod");
        assertThat(selected(Configs.in("shop", "c").expression("tier", NotIn, "prod"), prod, staging, untiered))
                .containsExactly("shop/staging", "shop/untiered");
        assertThat(selected(Configs.in("shop", "c").expression("tier", Exists), prod, staging, untiered))
                .containsExactly("shop/prod", "shop/staging");
        assertThat(selected(Configs.in("shop", "c").expression("tier", DoesNotExist), prod, staging, untiered))
                .containsExactly("shop/untiered");
        assertThat(selected(Configs.in("shop", "c").labels("team", "a").expression("tier", NotIn, "prod"),
                prod, staging, untiered)).containsExactly("shop/untiered");
    }

    private List<String> selected(Configs config, PodInfo... pods) {
        return plan(List.of(config.build()), pods).selections().get("shop/c").pods();
    }

    @Test
    void podSelectedByTwoConfigsIsOneTargetWithBothConfigs() {
        ProfilingConfig byApp = Configs.in("shop", "by-app").labels("app", "checkout").build();
        ProfilingConfig all = Configs.in("shop", "all").build();

        Plan plan = plan(List.of(byApp, all), Pods.running("shop", "checkout-1").labels("app", "checkout").build());

        ProfilingAssignmentSpec spec = plan.assignments().get("node-a");
        assertThat(spec.getTargets()).hasSize(1);
        assertThat(spec.getTargets().get(0).getConfigs()).containsExactly("shop/all", "shop/by-app");
        assertThat(spec.getConfigs()).extracting(AssignedConfig::id).containsExactly("shop/all", "shop/by-app");
    }

    @Test
    void resolvesServiceNameFromLabelsThenOwner() {
        Plan plan = plan(List.of(Configs.in("shop", "all").build()),
                Pods.running("shop", "checkout-7d9f8c6b5-x2x4q").labels("app.kubernetes.io/name", "checkout").build(),
                Pods.running("shop", "cart-5c7d8f9b6-k2m4z").ownedBy("ReplicaSet", "cart-5c7d8f9b6")
                        .labels("pod-template-hash", "5c7d8f9b6").build(),
                Pods.running("shop", "ledger-0").ownedBy("StatefulSet", "ledger").build());

        assertThat(plan.assignments().get("node-a").getTargets()).extracting(AssignedTarget::getService)
                .containsExactly("cart", "checkout", "ledger");
    }

    @Test
    void fallsBackToRequestThenNodeAllocatable() {
        Plan plan = plan(List.of(Configs.in("shop", "all").build()),
                Pods.running("shop", "a-limited").cpu(2.0, 0.5).memory(GIB, GIB / 2).build(),
                Pods.running("shop", "b-requested").cpu(0, 0.5).memory(0, GIB / 2).build(),
                Pods.running("shop", "c-cpu-limit-only").cpu(1.5, 0).memory(0, 0).build());

        List<AssignedTarget> targets = plan.assignments().get("node-a").getTargets();
        assertThat(targets).extracting(AssignedTarget::getCpuCores, AssignedTarget::getCpuBasis,
                AssignedTarget::getMemoryBytes, AssignedTarget::getMemoryBasis).containsExactly(
                tuple(2.0, "limit", GIB, "limit"),
                tuple(0.5, "request", GIB / 2, "request"),
                tuple(1.5, "limit", 16 * GIB, "allocatable"));
    }

    @Test
    void leavesResourcesUnknownOnANodeItDoesNotKnow() {
        Plan plan = plan(List.of(Configs.in("shop", "all").build()), Pods.running("shop", "a").on("node-z").build());

        AssignedTarget target = plan.assignments().get("node-z").getTargets().get(0);
        assertThat(target.getCpuCores()).isNull();
        assertThat(target.getCpuBasis()).isNull();
        assertThat(target.getMemoryBytes()).isNull();
        assertThat(target.getMemoryBasis()).isNull();
    }

    @Test
    void skipsPodWithPortAbcAndReportsIt() {
        Plan plan = plan(List.of(Configs.in("shop", "all").build()),
                Pods.running("shop", "bad-port").annotations(PodAnnotations.PORT, "abc").build(),
                Pods.running("shop", "good").build());

        assertThat(targetIds(plan, "node-a")).containsExactly("shop/good");
        assertThat(plan.selections().get("shop/all").pods()).containsExactly("shop/good");
        assertThat(plan.problems()).containsExactly(new PodProblem("shop/all", "shop/bad-port",
                "profiling.io/port \"abc\" is not a port number (1-65535)"));
    }

    @Test
    void reportsABadPodOncePerConfigThatSelectsIt() {
        Plan plan = plan(List.of(Configs.in("shop", "a").build(), Configs.in("shop", "b").build()),
                Pods.running("shop", "bad-path").annotations(PodAnnotations.PATH, "/../admin").build());

        assertThat(plan.assignments()).isEmpty();
        assertThat(plan.problems()).extracting(PodProblem::configId).containsExactly("shop/a", "shop/b");
        assertThat(plan.problems()).allSatisfy(p -> assertThat(p.message()).startsWith("profiling.io/path \"/../admin\""));
    }

    @Test
    void usesDefaultPortAndPathAndCarriesTheCaptureToken() {
        Plan plan = plan(List.of(Configs.in("shop", "all").build()),
                Pods.running("shop", "a").ip("10.1.2.3").build(),
                Pods.running("shop", "b").annotations(PodAnnotations.PORT, "8081", PodAnnotations.PATH, "/pprof",
                        PodAnnotations.CAPTURE, "2024-05-01-incident").build());

        assertThat(plan.assignments().get("node-a").getTargets())
                .extracting(AssignedTarget::getPodIP, AssignedTarget::getPort, AssignedTarget::getPath,
                        AssignedTarget::getCaptureToken)
                .containsExactly(tuple("10.1.2.3", 6060, "/debug/pprof", null),
                        tuple("10.0.0.1", 8081, "/pprof", "2024-05-01-incident"));
    }

    @Test
    void carriesTheTypesOfARequestedCaptureWithItsToken() {
        Plan plan = plan(List.of(Configs.in("shop", "all").build()),
                Pods.running("shop", "a").annotations(PodAnnotations.CAPTURE, "t-1", PodAnnotations.CAPTURE_TYPES,
                        "heap,cpu").build(),
                Pods.running("shop", "b").annotations(PodAnnotations.CAPTURE_TYPES, "heap").build());

        assertThat(plan.assignments().get("node-a").getTargets())
                .extracting(AssignedTarget::getName, AssignedTarget::getCaptureTypes)
                .containsExactly(tuple("a", List.of(ProfileType.HEAP, ProfileType.CPU)), tuple("b", null));
    }

    @Test
    void copiesLabelsAndUidIntoTheTarget() {
        Plan plan = plan(List.of(Configs.in("shop", "all").build()),
                Pods.running("shop", "a").labels("app", "checkout", "team", "payments").build());

        AssignedTarget target = plan.assignments().get("node-a").getTargets().get(0);
        assertThat(target.getUid()).isEqualTo("uid-shop-a");
        assertThat(target.getLabels()).containsExactly(Map.entry("app", "checkout"), Map.entry("team", "payments"));
    }

    @Test
    void appliesEveryDefaultToAssignedConfigs() {
        ProfilingConfig config = Configs.in("shop", "all").generation(7).build();

        AssignedConfig assigned = plan(List.of(config), Pods.running("shop", "a").build())
                .assignments().get("node-a").getConfigs().get(0);

        assertThat(assigned.getGeneration()).isEqualTo(7L);
        assertThat(assigned.getThresholds()).isEqualTo(new Thresholds(80, 90, 30, 300));
        assertThat(assigned.getOnDemand()).isEqualTo(new OnDemand(false, 35));
        assertThat(assigned.getS3Config()).as("a tenant's omitted prefix is under its namespace")
                .isEqualTo(new S3Config("profiles-bucket", "shop/profiles", "us-east-1", null, false));
        assertThat(assigned.getProfileTypes())
                .containsExactly(ProfileType.HEAP, ProfileType.CPU, ProfileType.GOROUTINE, ProfileType.MUTEX);
        assertThat(assigned.getCpuProfileSeconds()).isEqualTo(10);
    }

    @Test
    void givesAnOmittedPrefixTheNamespaceOnlyToTenantsAndOnlyWhenTenantPrefixesAreOn() {
        ProfilingConfig own = Configs.in(Configs.COORDINATOR_NAMESPACE, "all").namespace("shop").build();
        ProfilingConfig tenant = Configs.in("shop", "mine").build();
        PodInfo pod = Pods.running("shop", "a").build();

        var withPrefixes = new AssignmentPlanner(Configs.SETTINGS).plan(List.of(own, tenant), List.of(pod), Map.of())
                .assignments().get("node-a").getConfigs();
        var without = new AssignmentPlanner(new PlannerSettings(Configs.COORDINATOR_NAMESPACE, List.of(), List.of(), false))
                .plan(List.of(own, tenant), List.of(pod), Map.of()).assignments().get("node-a").getConfigs();

        assertThat(withPrefixes).extracting(c -> c.getS3Config().getPrefix()).containsExactly("profiles", "shop/profiles");
        assertThat(without).extracting(c -> c.getS3Config().getPrefix()).containsExactly("profiles", "profiles");
    }

    @Test
    void resolvesAnOmittedCpuProfileSecondsBelowAShortCheckIntervalInTheAssignment() {
        ProfilingConfig config = Configs.in("shop", "fast").thresholds(null, null, 10, null).build();

        AssignedConfig assigned = plan(List.of(config), Pods.running("shop", "a").build())
                .assignments().get("node-a").getConfigs().get(0);

        assertThat(new SpecValidator(Configs.SETTINGS).validate(config)).isEqualTo(Validation.VALID);
        assertThat(assigned.getCpuProfileSeconds()).isEqualTo(9);
    }

    @Test
    void skipsHostNetworkPodsOutsideTheCoordinatorsNamespaceAndSaysWhy() {
        ProfilingConfig tenant = Configs.in("shop", "all").build();
        ProfilingConfig platform = Configs.in(COORDINATOR_NAMESPACE, "system").namespace(COORDINATOR_NAMESPACE).build();

        Plan plan = plan(List.of(tenant, platform), Pods.running("shop", "node-exporter").hostNetwork().ip("10.0.0.5").build(),
                Pods.running(COORDINATOR_NAMESPACE, "agent").hostNetwork().ip("10.0.0.5").build());

        assertThat(plan.assignments().get("node-a").getTargets()).extracting(t -> t.getName()).containsExactly("agent");
        assertThat(plan.problems()).containsExactly(new PodProblem("shop/all", "shop/node-exporter",
                AssignmentPlanner.HOST_NETWORK_PROBLEM));
    }

    @Test
    void carriesOnlyTheLabelsTheProfileMetadataCouldHold() {
        String[] labels = new String[2 * 9000];
        for (int i = 0; i < 9000; i++) {
            labels[2 * i] = String.format("label-%04d", i);
            labels[2 * i + 1] = "v";
        }
        Plan plan = plan(List.of(Configs.in("shop", "all").build()), Pods.running("shop", "a").labels(labels).build());

        AssignedTarget target = plan.assignments().get("node-a").getTargets().get(0);
        assertThat(target.getLabels()).hasSizeLessThan(100).containsKey("label-0000");
    }

    @Test
    void keepsSettingsTheUserGave() {
        ProfilingConfig config = Configs.in("shop", "all").thresholds(50, null, 15, 0).onDemand(true, 40)
                .cpuProfileSeconds(5).profileTypes(ProfileType.CPU, ProfileType.ALLOCS)
                .s3(new S3Config("b-1", "team/x", null, "", true)).build();

        AssignedConfig assigned = plan(List.of(config), Pods.running("shop", "a").build())
                .assignments().get("node-a").getConfigs().get(0);

        assertThat(assigned.getThresholds()).isEqualTo(new Thresholds(50, 90, 15, 0));
        assertThat(assigned.getOnDemand()).isEqualTo(new OnDemand(true, 40));
        assertThat(assigned.getS3Config()).isEqualTo(new S3Config("b-1", "team/x", null, null, true));
        assertThat(assigned.getProfileTypes()).containsExactly(ProfileType.CPU, ProfileType.ALLOCS);
        assertThat(assigned.getCpuProfileSeconds()).isEqualTo(5);
    }

    @Test
    void givesEachNodeOnlyTheConfigsItsTargetsUse() {
        Plan plan = plan(List.of(Configs.in("shop", "checkout").labels("app", "checkout").build(),
                        Configs.in("shop", "cart").labels("app", "cart").build(),
                        Configs.in("shop", "nothing").labels("app", "none").build()),
                Pods.running("shop", "checkout-1").labels("app", "checkout").on("node-a").build(),
                Pods.running("shop", "cart-1").labels("app", "cart").on("node-b").build());

        assertThat(plan.assignments()).containsOnlyKeys("node-a", "node-b");
        assertThat(plan.assignments().get("node-a").getNodeName()).isEqualTo("node-a");
        assertThat(plan.assignments().get("node-a").getConfigs()).extracting(AssignedConfig::id)
                .containsExactly("shop/checkout");
        assertThat(plan.assignments().get("node-b").getConfigs()).extracting(AssignedConfig::id)
                .containsExactly("shop/cart");
        assertThat(plan.selections()).containsOnlyKeys("shop/cart", "shop/checkout", "shop/nothing");
        assertThat(plan.selections().get("shop/nothing").pods()).isEmpty();
    }

    @Test
    void dropsNodeWhoseLastTargetLeft() {
        List<ProfilingConfig> configs = List.of(Configs.in("shop", "all").build());
        PodInfo onA = Pods.running("shop", "a").on("node-a").build();
        PodInfo onB = Pods.running("shop", "b").on("node-b").build();
        assertThat(plan(configs, onA, onB).assignments()).containsOnlyKeys("node-a", "node-b");

        Plan afterDelete = plan(configs, onA, Pods.running("shop", "b").on("node-b").terminating().build());

        assertThat(afterDelete.assignments()).containsOnlyKeys("node-a");
        assertThat(afterDelete.selections().get("shop/all").nodes()).containsExactly("node-a");
    }

    @Test
    void addsNodeWhenAPodIsScheduledThere() {
        List<ProfilingConfig> configs = List.of(Configs.in("shop", "all").build());
        PodInfo onA = Pods.running("shop", "a").on("node-a").build();
        assertThat(plan(configs, onA).assignments()).containsOnlyKeys("node-a");

        Plan plan = plan(configs, onA, Pods.running("shop", "b").on("node-b").build());

        assertThat(plan.assignments()).containsOnlyKeys("node-a", "node-b");
        assertThat(targetIds(plan, "node-b")).containsExactly("shop/b");
        assertThat(plan.assignments().get("node-b").getTargets().get(0).getCpuBasis()).isEqualTo("allocatable");
        assertThat(plan.assignments().get("node-b").getTargets().get(0).getCpuCores()).isEqualTo(8.0);
    }

    @Test
    void producesEqualPlansForShuffledInput() {
        List<ProfilingConfig> configs = new ArrayList<>(List.of(
                Configs.in(COORDINATOR_NAMESPACE, "all").build(),
                Configs.in("shop", "checkout").labels("app", "checkout").build(),
                Configs.in("shop", "tiered").expression("tier", Exists).build(),
                Configs.in("billing", "billing").build()));
        List<PodInfo> pods = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String namespace = i % 3 == 0 ? "billing" : i % 3 == 1 ? "shop" : "shop-2";
            pods.add(Pods.running(namespace, "pod-" + i).on("node-" + (char) ('a' + i % 2))
                    .labels("app", i % 2 == 0 ? "checkout" : "cart", "tier", "t" + i % 4)
                    .annotations(PodAnnotations.PORT, i % 17 == 0 ? "0" : "6060").build());
        }
        Plan expected = planner.plan(configs, pods, nodes);

        Random random = new Random(42);
        for (int round = 0; round < 5; round++) {
            Collections.shuffle(configs, random);
            Collections.shuffle(pods, random);
            Map<String, NodeInfo> shuffledNodes = new LinkedHashMap<>();
            List<String> names = new ArrayList<>(nodes.keySet());
            Collections.shuffle(names, random);
            names.forEach(name -> shuffledNodes.put(name, nodes.get(name)));

            Plan actual = planner.plan(configs, pods, shuffledNodes);

            assertThat(actual).isEqualTo(expected);
            assertThat(List.copyOf(actual.assignments().keySet())).isEqualTo(List.copyOf(expected.assignments().keySet()));
        }
        assertThat(expected.problems()).isNotEmpty();
        assertThat(expected.assignments().get("node-a").getTargets()).isSortedAccordingTo(
                Comparator.comparing(AssignedTarget::getNamespace).thenComparing(AssignedTarget::getName));
    }

    @Test
    void ordersTargetsByNamespaceThenName() {
        Plan plan = plan(List.of(Configs.in(COORDINATOR_NAMESPACE, "all").build()),
                Pods.running("a-b", "x").build(), Pods.running("a", "y").build(), Pods.running("a", "x").build());

        assertThat(targetIds(plan, "node-a")).containsExactly("a/x", "a/y", "a-b/x");
    }

    @Test
    void plansTenThousandPodsOnFiveHundredNodes() {
        Map<String, NodeInfo> manyNodes = new LinkedHashMap<>();
        for (int n = 0; n < 500; n++) {
            manyNodes.put("node-" + n, new NodeInfo("node-" + n, 16.0, 64 * GIB));
        }
        List<PodInfo> pods = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            pods.add(Pods.running("team-" + i % 20, "svc-" + i).labels("app", "svc-" + i % 50)
                    .on("node-" + i % 500).ip("10.0." + i / 250 + "." + i % 250).build());
        }
        List<ProfilingConfig> configs = new ArrayList<>();
        configs.add(Configs.in(COORDINATOR_NAMESPACE, "everything").build());
        for (int t = 0; t < 20; t++) {
            configs.add(Configs.in("team-" + t, "team").build());
        }

        Plan plan = new AssignmentPlanner(SETTINGS).plan(configs, pods, manyNodes);

        assertThat(plan.assignments()).hasSize(500);
        assertThat(plan.assignments().values()).allSatisfy(spec -> {
            assertThat(spec.getTargets()).hasSize(20);
            assertThat(spec.getTargets()).allSatisfy(t -> assertThat(t.getConfigs())
                    .containsExactly("bolometer-system/everything", t.getNamespace() + "/team"));
        });
        assertThat(plan.selections().get("bolometer-system/everything").pods()).hasSize(10_000);
        assertThat(plan.selections().get("team-7/team").pods()).hasSize(500);
        assertThat(plan.selections().get("team-7/team").nodes()).hasSize(25);
        assertThat(plan.problems()).isEmpty();
    }
}
