package io.bolometer.coordinator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bolometer.coordinator.testing.RealApiServer;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.ProfilingConfigStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The generated CRDs on a real kube-apiserver v1.20.2: the schema refuses what it must, defaults, status, scope. */
class CrdKubeApiIT {
    @RegisterExtension
    static final RealApiServer API = new RealApiServer();

    private static final String NS = "default";
    private static final ResourceDefinitionContext CONFIGS = ResourceDefinitionContext.fromResourceType(ProfilingConfig.class);
    private static KubernetesClient client;
    private static int sequence;

    @BeforeAll
    static void installCrds() {
        API.installCrds();
        client = API.client();
    }

    @Test
    void bothCrdsBecomeEstablishedWithTheirNamesAndScopes() {
        var crds = client.apiextensions().v1().customResourceDefinitions();
        assertThat(RealApiServer.crdNames()).allSatisfy(name -> assertThat(RealApiServer.established(crds.withName(name).get())).isTrue());
        var configs = crds.withName("profilingconfigs.profiling.io").get().getSpec();
        assertThat(configs.getScope()).isEqualTo("Namespaced");
        assertThat(configs.getNames().getShortNames()).containsExactly("pcfg");
        assertThat(configs.getNames().getCategories()).containsExactly("profiling");
        assertThat(crds.withName("profilingassignments.profiling.io").get().getSpec().getScope()).isEqualTo("Cluster");
    }

    static Stream<Arguments> schemaViolations() {
        return Stream.of(
                violation("cpuThresholdPercent above 1000", s -> thresholds(s).put("cpuThresholdPercent", 5000), "spec.thresholds.cpuThresholdPercent"),
                violation("cpuThresholdPercent below 1", s -> thresholds(s).put("cpuThresholdPercent", 0), "spec.thresholds.cpuThresholdPercent"),
                violation("memoryThresholdPercent above 100", s -> thresholds(s).put("memoryThresholdPercent", 101), "spec.thresholds.memoryThresholdPercent"),
                violation("checkIntervalSeconds below 5", s -> thresholds(s).put("checkIntervalSeconds", 4), "spec.thresholds.checkIntervalSeconds"),
                violation("checkIntervalSeconds above 3600", s -> thresholds(s).put("checkIntervalSeconds", 3601), "spec.thresholds.checkIntervalSeconds"),
                violation("cooldownSeconds negative", s -> thresholds(s).put("cooldownSeconds", -1), "spec.thresholds.cooldownSeconds"),
                violation("cooldownSeconds above a day", s -> thresholds(s).put("cooldownSeconds", 86401), "spec.thresholds.cooldownSeconds"),
                violation("onDemand.intervalSeconds below 10", s -> s.put("onDemand", map("enabled", true, "intervalSeconds", 5)), "spec.onDemand.intervalSeconds"),
                violation("cpuProfileSeconds above 60", s -> s.put("cpuProfileSeconds", 61), "spec.cpuProfileSeconds"),
                violation("cpuProfileSeconds below 1", s -> s.put("cpuProfileSeconds", 0), "spec.cpuProfileSeconds"),
                violation("an unknown profile type", s -> s.put("profileTypes", List.of("heap", "cpux")), "spec.profileTypes"),
                violation("no s3Config", s -> s.remove("s3Config"), "spec.s3Config"),
                violation("an s3Config without bucket", s -> s.put("s3Config", map("prefix", "p")), "spec.s3Config.bucket"),
                violation("a matchExpression with an unknown operator", s -> selector(s).put("matchExpressions",
                        List.of(map("key", "tier", "operator", "Like", "values", List.of("web")))), "spec.selector.matchExpressions.operator"),
                violation("a matchExpression without key", s -> selector(s).put("matchExpressions",
                        List.of(map("operator", "Exists"))), "spec.selector.matchExpressions.key"),
                violation("a prefix over 256 characters", s -> s3(s).put("prefix", "p".repeat(257)), "spec.s3Config.prefix"),
                violation("a prefix with a space", s -> s3(s).put("prefix", "a b"), "spec.s3Config.prefix"),
                violation("a region that is not a region name", s -> s3(s).put("region", "US East"), "spec.s3Config.region"),
                violation("a region over 32 characters", s -> s3(s).put("region", "r".repeat(33)), "spec.s3Config.region"),
                violation("an expected bucket owner that is not an account ID", s -> s3(s).put("expectedBucketOwner", "owner"), "spec.s3Config.expectedBucketOwner"),
                violation("a bucket S3 would refuse", s -> s3(s).put("bucket", "My_Bucket"), "spec.s3Config.bucket"),
                violation("a bucket of 100 KB", s -> s3(s).put("bucket", "b".repeat(100_000)), "spec.s3Config.bucket"),
                violation("an endpoint over 256 characters", s -> s3(s).put("endpoint", "http://" + "e".repeat(250)), "spec.s3Config.endpoint"),
                violation("an endpoint that is not http(s)", s -> s3(s).put("endpoint", "ftp://x"), "spec.s3Config.endpoint"),
                violation("a selector namespace that is not a name", s -> selector(s).put("namespace", "Not_A_Name"), "spec.selector.namespace"),
                violation("33 selector labels", s -> selector(s).put("labelSelector", manyLabels(33)), "spec.selector.labelSelector"),
                violation("17 match expressions", s -> selector(s).put("matchExpressions", Collections.nCopies(17,
                        map("key", "tier", "operator", "Exists"))), "spec.selector.matchExpressions"),
                violation("7 profile types", s -> s.put("profileTypes", List.of("heap", "cpu", "goroutine", "mutex", "block",
                        "allocs", "heap")), "spec.profileTypes"),
                violation("a threshold that is not a number", s -> thresholds(s).put("cpuThresholdPercent", "80%"), "spec.thresholds.cpuThresholdPercent"));
    }

    // v1.20 names list items without their index (spec.profileTypes, not spec.profileTypes[1])
    @ParameterizedTest(name = "refuses a config with {0}, naming {2}")
    @MethodSource("schemaViolations")
    void refusesAConfigThatBreaksASchemaRuleWith422NamingTheField(String what, Consumer<Map<String, Object>> breakIt, String field) {
        Map<String, Object> spec = validSpec();
        breakIt.accept(spec);

        assertThatThrownBy(() -> client.genericKubernetesResources(CONFIGS).inNamespace(NS).resource(config(spec)).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).as(e.getMessage()).isEqualTo(422);
                    assertThat(e.getMessage()).contains(field);
                });
    }

    @Test
    void acceptsTheValidBaseSpecSoEachRefusalIsCausedByItsOwnChange() {
        GenericKubernetesResource created = client.genericKubernetesResources(CONFIGS).inNamespace(NS).resource(config(validSpec())).create();
        assertThat(created.getMetadata().getUid()).isNotBlank();
    }

    @Test
    void appliesSchemaDefaultsToOmittedFieldsOfPresentObjects() {
        Map<String, Object> spec = map("thresholds", map("cpuThresholdPercent", 70), "onDemand", map("enabled", true),
                "s3Config", map("bucket", "bucket-b"));
        String name = client.genericKubernetesResources(CONFIGS).inNamespace(NS).resource(config(spec)).create().getMetadata().getName();

        ProfilingConfig read = client.resources(ProfilingConfig.class).inNamespace(NS).withName(name).get();
        var s = read.getSpec();
        assertThat(List.of(s.getThresholds().getCpuThresholdPercent(), s.getThresholds().getMemoryThresholdPercent(),
                s.getThresholds().getCheckIntervalSeconds(), s.getThresholds().getCooldownSeconds())).containsExactly(70, 90, 30, 300);
        assertThat(s.getOnDemand().getIntervalSeconds()).isEqualTo(35);
        assertThat(s.getS3Config().getPrefix()).as("no schema default: the planner applies it, under the namespace for tenants")
                .isNull();
        assertThat(s.getS3Config().getForcePathStyle()).isFalse();
        assertThat(s.getCpuProfileSeconds()).as("no schema default: it would conflict with checkIntervalSeconds 10").isNull();
        assertThat(s.getProfileTypes()).as("no schema default: the planner applies DEFAULT_PROFILE_TYPES").isNull();
    }

    @Test
    void statusWritesGoThroughTheSubresourceOnlyAndDoNotBumpTheGeneration() {
        String name = client.genericKubernetesResources(CONFIGS).inNamespace(NS).resource(config(validSpec())).create().getMetadata().getName();
        var configs = client.resources(ProfilingConfig.class).inNamespace(NS);
        ProfilingConfig config = configs.withName(name).get();
        assertThat(config.getMetadata().getGeneration()).isEqualTo(1L);

        ProfilingConfigStatus status = new ProfilingConfigStatus();
        status.setMatchedPods(3);
        status.setObservedGeneration(1L);
        config.setStatus(status);
        ProfilingConfig afterStatus = configs.resource(config).updateStatus();
        assertThat(afterStatus.getMetadata().getGeneration()).isEqualTo(1L);
        assertThat(afterStatus.getStatus().getMatchedPods()).isEqualTo(3);

        afterStatus.getStatus().setMatchedPods(99);
        afterStatus.getSpec().setCpuProfileSeconds(20);
        ProfilingConfig afterUpdate = configs.resource(afterStatus).update();
        assertThat(afterUpdate.getMetadata().getGeneration()).as("a spec change bumps the generation").isEqualTo(2L);
        assertThat(afterUpdate.getStatus().getMatchedPods()).as("status on the main resource is ignored").isEqualTo(3);
    }

    @Test
    void theStatusListsAtMostTenRecentCapturesWithBoundedStrings() {
        String name = client.genericKubernetesResources(CONFIGS).inNamespace(NS).resource(config(validSpec())).create().getMetadata().getName();
        var configs = client.resources(ProfilingConfig.class).inNamespace(NS);
        ProfilingConfig config = configs.withName(name).get();
        java.util.function.IntFunction<io.bolometer.model.v1alpha1.RecentCapture> capture = i ->
                new io.bolometer.model.v1alpha1.RecentCapture("2026-12-06T12:00:0" + (i % 10) + "Z", "shop", "checkout-" + i,
                        "node-a", "cpu", "requested", "s3://b/k" + i, null, "main.burnCPU 66%", "no baseline");
        ProfilingConfigStatus status = new ProfilingConfigStatus();
        status.setRecentCaptures(java.util.stream.IntStream.range(0, 10).mapToObj(capture).toList());
        config.setStatus(status);
        assertThat(configs.resource(config).updateStatus().getStatus().getRecentCaptures()).hasSize(10)
                .first().isEqualTo(capture.apply(0));

        ProfilingConfig eleven = configs.withName(name).get();
        eleven.getStatus().setRecentCaptures(java.util.stream.IntStream.range(0, 11).mapToObj(capture).toList());
        assertThatThrownBy(() -> configs.resource(eleven).updateStatus()).isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("status.recentCaptures");
        ProfilingConfig longTop = configs.withName(name).get();
        longTop.getStatus().getRecentCaptures().get(0).setTop("x".repeat(101));
        assertThatThrownBy(() -> configs.resource(longTop).updateStatus()).isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("status.recentCaptures.top in body should be at most 100 chars long");
    }

    @Test
    void assignmentsAreClusterScopedAndNamedAfterTheirNode() {
        ProfilingAssignment assignment = new ProfilingAssignment();
        assignment.setMetadata(new ObjectMetaBuilder().withName("node-a").build());
        ProfilingAssignmentSpec spec = new ProfilingAssignmentSpec();
        spec.setNodeName("node-a");
        assignment.setSpec(spec);

        ProfilingAssignment created = client.resources(ProfilingAssignment.class).resource(assignment).create();

        assertThat(created.getMetadata().getNamespace()).isNull();
        assertThat(client.resources(ProfilingAssignment.class).withName("node-a").get().getSpec().getNodeName()).isEqualTo("node-a");
        assertThat(API.auditLog().writes(w -> w.resource().equals("profilingassignments") && w.name().equals("node-a")))
                .as("the audit log counts writes server-side").singleElement()
                .satisfies(w -> assertThat(List.of(w.verb(), w.namespace(), String.valueOf(w.code()))).containsExactly("create", "", "201"));
    }

    private static Arguments violation(String what, Consumer<Map<String, Object>> breakIt, String field) {
        return Arguments.of(what, breakIt, field);
    }

    /** A complete, valid spec as mutable maps, so each case breaks exactly one rule. */
    private static Map<String, Object> validSpec() {
        return map("selector", map("namespace", NS, "labelSelector", map("app", "sample-app")),
                "thresholds", map("cpuThresholdPercent", 80, "memoryThresholdPercent", 90, "checkIntervalSeconds", 30, "cooldownSeconds", 300),
                "onDemand", map("enabled", false, "intervalSeconds", 35),
                "s3Config", map("bucket", "profiles-bucket", "prefix", "profiles", "region", "us-east-1"),
                "profileTypes", new ArrayList<>(List.of("heap", "cpu", "goroutine", "mutex", "block", "allocs")),
                "cpuProfileSeconds", 10);
    }

    private static GenericKubernetesResource config(Map<String, Object> spec) {
        return new GenericKubernetesResourceBuilder().withApiVersion("profiling.io/v1alpha1").withKind("ProfilingConfig")
                .withNewMetadata().withName("config-" + (++sequence)).withNamespace(NS).endMetadata()
                .addToAdditionalProperties("spec", spec).build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> thresholds(Map<String, Object> spec) {
        return (Map<String, Object>) spec.get("thresholds");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> s3(Map<String, Object> spec) {
        return (Map<String, Object>) spec.get("s3Config");
    }

    private static Map<String, Object> manyLabels(int count) {
        Map<String, Object> labels = new HashMap<>();
        for (int i = 0; i < count; i++) {
            labels.put("k" + i, "v");
        }
        return labels;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> selector(Map<String, Object> spec) {
        return (Map<String, Object>) spec.get("selector");
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
