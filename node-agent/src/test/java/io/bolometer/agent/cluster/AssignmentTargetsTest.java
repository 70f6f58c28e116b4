package io.bolometer.agent.cluster;

import static io.bolometer.agent.cluster.Assignments.assignment;
import static io.bolometer.agent.cluster.Assignments.config;
import static io.bolometer.agent.cluster.Assignments.handled;
import static io.bolometer.agent.cluster.Assignments.target;
import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.targets.ResourceLimits;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.AssignedConfig;
import io.bolometer.model.v1alpha1.AssignedTarget;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.S3Config;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AssignmentTargetsTest {
    private static final List<ProfileType> HEAP = List.of(ProfileType.HEAP);

    private static ProfilingAssignment onePod(AssignedTarget target) {
        return assignment("node-a", List.of(config("shop", "hot", 40, HEAP)), List.of(target));
    }

    /** Pod {@code shop/checkout-1} under config {@code shop/hot}, carrying capture token {@code token}. */
    private static AssignedTarget checkoutWithToken(String token) {
        AssignedTarget pod = target("shop", "checkout-1", "10.0.1.7", 6060, null, List.of("shop/hot"));
        pod.setCaptureToken(token);
        return pod;
    }

    /** {@code pod}'s assignment, whose status marks token {@code t-1} of {@code shop/checkout-1} handled. */
    private static ProfilingAssignment withT1Handled(AssignedTarget pod) {
        ProfilingAssignment a = onePod(pod);
        a.setStatus(handled("shop/checkout-1", "t-1"));
        return a;
    }

    @Test
    void mapsOnePodUnderOneConfigToATargetWithEverythingTheAgentNeeds() {
        ProfilingTarget t = AssignmentTargets.from(onePod(
                target("shop", "checkout-1", "10.0.1.7", 6060, "/debug/pprof", List.of("shop/hot")))).get(0);

        assertThat(t.configId()).isEqualTo("shop/hot");
        assertThat(t.pod()).isEqualTo(new PodRef("shop", "checkout-1"));
        assertThat(t.node()).isEqualTo("node-a");
        assertThat(t.baseUrl()).isEqualTo(URI.create("http://10.0.1.7:6060"));
        assertThat(t.pprofPath()).isEqualTo("/debug/pprof");
        assertThat(t.service()).isEqualTo("checkout");
        assertThat(t.labels()).containsEntry("app", "checkout");
        assertThat(t.limits()).isEqualTo(new ResourceLimits(0.5, ResourceLimits.Basis.LIMIT, 512L << 20,
                ResourceLimits.Basis.REQUEST));
        assertThat(t.settings().periodic()).isTrue();
        assertThat(t.settings().periodicInterval()).isEqualTo(Duration.ofSeconds(40));
        assertThat(t.settings().profileTypes()).containsExactly(ProfileType.HEAP);
        assertThat(t.store()).isEqualTo(new StoreLocation.S3("bucket-hot", "eu-west-1", null, false));
        assertThat(t.prefix()).isEqualTo("prof");
        assertThat(t.pid()).isZero();
        assertThat(t.captureToken()).isNull();
    }

    @Test
    void makesOneTargetPerConfigThatSelectsThePodEachWithItsOwnStore() {
        ProfilingAssignment a = assignment("node-a",
                List.of(config("shop", "hot", 0, HEAP), config("platform", "all", 40, HEAP)),
                List.of(target("shop", "checkout-1", "10.0.1.7", 6060, null, List.of("shop/hot", "platform/all"))));
        a.getSpec().getConfigs().get(1).setS3Config(new S3Config("central", null, null, "http://10.9.9.9:9000", true));

        List<ProfilingTarget> targets = AssignmentTargets.from(a);

        assertThat(targets).extracting(ProfilingTarget::configId).containsExactly("platform/all", "shop/hot");
        assertThat(targets.get(0).store()).isEqualTo(new StoreLocation.S3("central", null, "http://10.9.9.9:9000", true));
        assertThat(targets.get(0).prefix()).isEqualTo(S3Config.DEFAULT_PREFIX);
        assertThat(targets.get(0).pprofPath()).isEqualTo("/debug/pprof");
        assertThat(targets).extracting(ProfilingTarget::key).doesNotHaveDuplicates();
    }

    @Test
    void putsAnIpv6PodIpInBrackets() {
        ProfilingTarget t = AssignmentTargets.from(onePod(
                target("shop", "checkout-1", "fd00:10:244::1f", 6060, null, List.of("shop/hot")))).get(0);

        assertThat(t.baseUrl()).isEqualTo(URI.create("http://[fd00:10:244::1f]:6060"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example.com", "localhost", "10.0.1.7.nip.io", "010.0.1.7", "256.1.1.1",
            "10.0.1.7:80", "fd00::1%eth0", "1:2", "", "10.0.1.7/32", "user@10.0.1.7"})
    void refusesAnythingButAnIpLiteralAsPodIpAndSaysWhy(String podIP) {
        AssignmentTargets.Mapping mapping = AssignmentTargets.map(onePod(
                target("shop", "checkout-1", podIP, 6060, null, List.of("shop/hot"))), Map.of());

        assertThat(mapping.targets()).isEmpty();
        assertThat(mapping.rejected()).singleElement().asString().startsWith("Not profiling shop/checkout-1: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"//evil.example.com/debug/pprof", "debug/pprof", "/debug/pprof?x=1", "/debug/pprof#f",
            "/debug/%2e%2e/pprof"})
    void refusesAPprofPathThatCouldLeaveThePodsOrigin(String path) {
        AssignmentTargets.Mapping mapping = AssignmentTargets.map(onePod(
                target("shop", "checkout-1", "10.0.1.7", 6060, path, List.of("shop/hot"))), Map.of());

        assertThat(mapping.targets()).isEmpty();
        assertThat(mapping.rejected()).singleElement().asString().contains("pprof path");
    }

    @Test
    void refusesAPortOutOfRangeAndAPodWithoutIp() {
        AssignmentTargets.Mapping mapping = AssignmentTargets.map(assignment("node-a",
                List.of(config("shop", "hot", 0, HEAP)),
                List.of(target("shop", "a", "10.0.1.7", 70000, null, List.of("shop/hot")),
                        target("shop", "b", null, 6060, null, List.of("shop/hot")),
                        target("shop", "c", "10.0.1.8", 6060, null, List.of("shop/hot")))), Map.of());

        assertThat(mapping.targets()).extracting(t -> t.pod().name()).containsExactly("c");
        assertThat(mapping.rejected()).hasSize(2);
    }

    @Test
    void skipsAConfigReferenceTheAssignmentDoesNotDefine() {
        AssignmentTargets.Mapping mapping = AssignmentTargets.map(onePod(
                target("shop", "checkout-1", "10.0.1.7", 6060, null, List.of("shop/hot", "shop/gone"))), Map.of());

        assertThat(mapping.targets()).extracting(ProfilingTarget::configId).containsExactly("shop/hot");
        assertThat(mapping.rejected()).singleElement().asString().contains("shop/gone");
    }

    @Test
    void passesANewCaptureTokenOnlyOnThePodsFirstConfig() {
        AssignedTarget pod = target("shop", "checkout-1", "10.0.1.7", 6060, null, List.of("shop/hot", "platform/all"));
        pod.setCaptureToken("t-1");
        ProfilingAssignment a = assignment("node-a",
                List.of(config("shop", "hot", 0, HEAP), config("platform", "all", 0, HEAP)), List.of(pod));

        List<ProfilingTarget> targets = AssignmentTargets.from(a);

        assertThat(targets).extracting(ProfilingTarget::captureToken).containsExactly("t-1", null);
    }

    @Test
    void aRequestedCaptureTakesTheRequestedTypesTheConfigProfilesAndOtherCapturesAllOfThem() {
        AssignedTarget pod = target("shop", "checkout-1", "10.0.1.7", 6060, null, List.of("shop/hot"));
        pod.setCaptureToken("t-1");
        pod.setCaptureTypes(List.of(ProfileType.CPU, ProfileType.GOROUTINE));
        ProfilingAssignment a = assignment("node-a",
                List.of(config("shop", "hot", 0, List.of(ProfileType.HEAP, ProfileType.CPU))), List.of(pod));

        ProfilingTarget target = AssignmentTargets.from(a).get(0);

        assertThat(target.typesFor(true)).containsExactly(ProfileType.CPU);
        assertThat(target.typesFor(false)).containsExactly(ProfileType.HEAP, ProfileType.CPU);
        pod.setCaptureTypes(null);
        assertThat(AssignmentTargets.from(a).get(0).typesFor(true)).containsExactly(ProfileType.HEAP, ProfileType.CPU);
    }

    @Test
    void ignoresACaptureTokenThatCouldForgeALogLine() {
        AssignedTarget pod = checkoutWithToken("1\n2026-12-06 INFO Uploaded everything");

        assertThat(AssignmentTargets.from(onePod(pod)).get(0).captureToken()).isNull();
    }

    @Test
    void refusesATenantsEndpointOutsideTheAllowListAndAddressesEveryCustomEndpointPathStyle() {
        AssignedConfig tenant = config("shop", "hot", 0, HEAP);
        tenant.getS3Config().setEndpoint("http://attacker.example:9000");
        AssignedConfig platform = config("bolometer-system", "all", 0, HEAP);
        platform.getS3Config().setEndpoint("http://minio.storage.svc:9000");
        platform.getS3Config().setForcePathStyle(false);
        ProfilingAssignment a = assignment("node-a", List.of(tenant, platform), List.of(target("shop", "checkout-1",
                "10.0.1.7", 6060, null, List.of("shop/hot", "bolometer-system/all"))));

        var mapping = AssignmentTargets.map(a, Map.of(), new FetchTargetGuard("10.0.1.5"),
                new EndpointPolicy("bolometer-system", List.of("http://minio.storage.svc:9000")));

        assertThat(mapping.targets()).singleElement().satisfies(t -> assertThat(t.store())
                .isEqualTo(new StoreLocation.S3("bucket-all", "eu-west-1", "http://minio.storage.svc:9000", true)));
        assertThat(mapping.rejected()).singleElement().asString().contains("shop/hot", "not in ALLOWED_S3_ENDPOINTS");
    }

    @Test
    void refusesAConfigWhoseRegionIsNotARegionName() {
        AssignedConfig config = config("shop", "hot", 0, HEAP);
        config.getS3Config().setRegion("r-1/../x");
        ProfilingAssignment a = assignment("node-a", List.of(config),
                List.of(target("shop", "checkout-1", "10.0.1.7", 6060, null, List.of("shop/hot"))));

        var mapping = AssignmentTargets.map(a, java.util.Map.of());

        assertThat(mapping.targets()).isEmpty();
        assertThat(mapping.rejected()).singleElement().asString().contains("region is not a region name");
    }

    @Test
    void dropsACaptureTokenTheStatusMarksAsHandled() {
        AssignedTarget pod = checkoutWithToken("t-1");
        ProfilingAssignment a = withT1Handled(pod);

        assertThat(AssignmentTargets.from(a).get(0).captureToken()).isNull();

        pod.setCaptureToken("t-2");
        assertThat(AssignmentTargets.from(a).get(0).captureToken()).isEqualTo("t-2");
    }

    @Test
    void prefersWhatThisRunHandledOverAStatusNotWrittenYet() {
        ProfilingAssignment a = withT1Handled(checkoutWithToken("t-2"));

        AssignmentTargets.Mapping mapping = AssignmentTargets.map(a, Map.of("shop/checkout-1", "t-2"));

        assertThat(mapping.targets().get(0).captureToken()).isNull();
    }

    @Test
    void mapsNoAssignmentToNoTargets() {
        assertThat(AssignmentTargets.map(null, Map.of()).targets()).isEmpty();
    }
}
