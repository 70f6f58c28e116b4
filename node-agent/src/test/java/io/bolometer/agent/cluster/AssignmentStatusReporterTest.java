package io.bolometer.agent.cluster;

import static io.bolometer.agent.cluster.Assignments.assignment;
import static io.bolometer.agent.cluster.Assignments.config;
import static io.bolometer.agent.cluster.Assignments.handled;
import static io.bolometer.agent.cluster.Assignments.target;
import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.cluster.AssignmentStatusReporter.Tick;
import io.bolometer.agent.runtime.CaptureSummary;
import io.bolometer.agent.runtime.TypeResult;
import io.bolometer.agent.spool.SpoolRecord;
import io.bolometer.agent.spool.SpooledProfile;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.testing.MutableClock;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.CaptureReason;
import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus.ConfigCounters;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssignmentStatusReporterTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:15:30.250Z");
    private static final List<ProfileType> TYPES = List.of(ProfileType.CPU, ProfileType.HEAP);

    private final MutableClock clock = new MutableClock(T0);
    private final List<ProfilingAssignmentStatus> written = new ArrayList<>();
    private int failuresToCome;
    private AssignmentStatusReporter reporter;
    private ProfilingAssignment assignment;

    @BeforeEach
    void setUp() {
        reporter = new AssignmentStatusReporter((name, status) -> {
            assertThat(name).isEqualTo("node-a");
            if (failuresToCome > 0) {
                failuresToCome--;
                throw new IOException("API server unreachable");
            }
            written.add(status);
        }, clock, Duration.ofSeconds(10));
        assignment = assignment("node-a",
                List.of(config("shop", "hot", 0, TYPES), config("platform", "all", 40, TYPES)),
                List.of(target("shop", "checkout-1", "10.0.1.7", 6060, null, List.of("shop/hot", "platform/all")),
                        target("shop", "cart-1", "10.0.1.8", 6060, null, List.of("shop/hot"))));
        assignment.getMetadata().setUid("uid-1");
        assignment.getMetadata().setGeneration(3L);
        reporter.observe(assignment);
    }

    private ProfilingTarget targetOf(String config, String pod, String token) {
        return AssignmentTargets.from(assignment).stream()
                .filter(t -> t.configId().equals(config) && t.pod().name().equals(pod)).findFirst().map(t ->
                        new ProfilingTarget(t.configId(), t.pod(), t.node(), t.baseUrl(), t.pprofPath(), t.service(),
                                t.labels(), t.limits(), t.settings(), t.store(), t.prefix(), t.pid(), token))
                .orElseThrow();
    }

    private static CaptureSummary bothCaptured() {
        return new CaptureSummary(List.of(new TypeResult(ProfileType.CPU, "captured", "k1", 10),
                new TypeResult(ProfileType.HEAP, "captured", "k2", 10)));
    }

    private static CaptureSummary heapFailed() {
        return new CaptureSummary(List.of(new TypeResult(ProfileType.CPU, "captured", "k1", 10),
                new TypeResult(ProfileType.HEAP, "failed", "fetch: connection refused", 0)));
    }

    private static SpooledProfile spooled(String source, String pod) {
        SpoolRecord record = new SpoolRecord("profiles/k", new StoreLocation.S3("bucket-hot", null, null, false),
                Map.of("pod-namespace", "shop", "pod-name", pod, "profile-type", "heap"), Map.of(), source);
        return new SpooledProfile("id", Path.of("/spool/id.pprof"), 10, record, T0);
    }

    private static SpooledProfile stored(String pod, String type, String reason, Map<String, String> insight,
                                         String grew) {
        Map<String, String> metadata = new java.util.HashMap<>(Map.of("pod-namespace", "shop", "pod-name", pod,
                "profile-type", type, "reason", reason, "timestamp", "2026-11-25T10:15:30Z", "node", "node-a"));
        metadata.putAll(insight);
        SpoolRecord record = new SpoolRecord("profiles/2026-11-25/checkout/20261125101530-" + pod + "-" + type + ".pprof",
                new StoreLocation.S3("bucket-hot", null, null, false), metadata, Map.of(), "shop/hot", null, grew);
        return new SpooledProfile("id", Path.of("/spool/id.pprof"), 10, record, T0);
    }

    private static final Map<String, String> HOT = Map.of("trigger-resource", "cpu", "trigger-percent", "93.4",
            "trigger-threshold-percent", "80", "trigger-basis", "limit", "top-function", "main.burnCPU",
            "top-percent", "66.3");

    @Test
    void listsEachStoredProfileOfAConfigUnderTheKeyActuallyWrittenWithEvidenceTopAndGrew() {
        SpooledProfile cpu = stored("checkout-1", "cpu", "threshold-exceeded", HOT, "main.burnCPU +61.2 pts vs 10:03");
        String written = "profiles/2026-11-25/checkout/20261125101530-checkout-1-cpu-2.pprof";

        reporter.uploaded(cpu, written, Duration.ofMillis(30));

        List<io.bolometer.model.v1alpha1.RecentCapture> recent = counters(reporter.status(), "shop/hot")
                .getRecentCaptures();
        assertThat(recent).containsExactly(new io.bolometer.model.v1alpha1.RecentCapture("2026-11-25T10:15:30Z",
                "shop", "checkout-1", "node-a", "cpu", "threshold-exceeded", "s3://bucket-hot/" + written,
                "cpu 93.4% of limit \u2265 80%", "main.burnCPU 66.3%", "main.burnCPU +61.2 pts vs 10:03"));
        assertThat(counters(reporter.status(), "platform/all").getRecentCaptures()).as("another config").isNull();
    }

    @Test
    void keepsTheTenNewestStoredProfilesPerConfigNewestFirstWithEveryStringCut() {
        String longName = "github.com/example/" + "x".repeat(300) + ".(*Server).handle";
        for (int i = 0; i < 14; i++) {
            reporter.uploaded(stored("checkout-" + i, "heap", "on-demand",
                    Map.of("top-function", longName, "top-percent", "12"), "no baseline"), "k" + i, Duration.ZERO);
        }

        List<io.bolometer.model.v1alpha1.RecentCapture> recent = counters(reporter.status(), "shop/hot")
                .getRecentCaptures();
        assertThat(recent).hasSize(10);
        assertThat(recent.get(0).getUri()).isEqualTo("s3://bucket-hot/k13");
        assertThat(recent.get(9).getUri()).isEqualTo("s3://bucket-hot/k4");
        assertThat(recent.get(0).getEvidence()).as("a periodic capture has no evidence").isNull();
        assertThat(recent.get(0).getTop()).hasSize(100).endsWith("\u2026");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(reporter.status()).toString())
                .as("the status of a config with ten long entries").hasSizeLessThan(10 * 1024);
    }

    @Test
    void aRestartedAgentContinuesTheRecentCapturesItFindsInTheStatus() {
        reporter.uploaded(stored("checkout-1", "cpu", "requested", Map.of(), null), "k1", Duration.ZERO);
        ProfilingAssignmentStatus before = reporter.status();
        assignment.setStatus(before);
        AssignmentStatusReporter restarted = new AssignmentStatusReporter((name, status) -> { }, clock,
                Duration.ofSeconds(10));

        restarted.observe(assignment);
        restarted.uploaded(stored("checkout-1", "cpu", "requested", Map.of(), null), "k2", Duration.ZERO);

        assertThat(counters(restarted.status(), "shop/hot").getRecentCaptures())
                .extracting(io.bolometer.model.v1alpha1.RecentCapture::getUri)
                .containsExactly("s3://bucket-hot/k2", "s3://bucket-hot/k1");
    }

    private static ConfigCounters counters(ProfilingAssignmentStatus status, String config) {
        return status.getConfigs().stream().filter(c -> c.getConfig().equals(config)).findFirst().orElseThrow();
    }

    @Test
    void countsProfilesUploadsAndErrorsPerConfigWithTheLastCaptureTime() {
        reporter.captureFinished(targetOf("shop/hot", "checkout-1", null), CaptureReason.ON_DEMAND, bothCaptured());
        clock.advance(Duration.ofSeconds(5));
        reporter.captureFinished(targetOf("shop/hot", "cart-1", null), CaptureReason.THRESHOLD_EXCEEDED, heapFailed());
        reporter.uploaded(spooled("shop/hot", "checkout-1"), Duration.ofMillis(30));
        reporter.uploaded(spooled("shop/hot", "checkout-1"), Duration.ofMillis(30));
        reporter.failed(spooled("shop/hot", "cart-1"), new IOException("S3 says no"), 1);
        reporter.uploaded(spooled(null, "checkout-1"), Duration.ofMillis(30)); // an old spool record: no config

        ProfilingAssignmentStatus status = reporter.status();

        assertThat(status.getObservedGeneration()).isEqualTo(3L);
        assertThat(status.getConfigs()).extracting(ConfigCounters::getConfig).containsExactly("platform/all", "shop/hot");
        assertThat(counters(status, "shop/hot")).usingRecursiveComparison().ignoringFields("recentCaptures")
                .isEqualTo(new ConfigCounters("shop/hot", 3L, 2L, 2L, "2026-11-25T10:15:35Z"));
        assertThat(counters(status, "platform/all")).isEqualTo(new ConfigCounters("platform/all", 0L, 0L, 0L, null));
        assertThat(status.getTargets()).extracting(ProfilingAssignmentStatus.TargetState::getPod)
                .containsExactly("shop/cart-1", "shop/checkout-1");
        ProfilingAssignmentStatus.TargetState cart = status.getTargets().get(0);
        assertThat(cart.getLastError()).startsWith("upload to s3://bucket-hot").contains("S3 says no");
        assertThat(cart.getLastErrorTime()).isEqualTo("2026-11-25T10:15:35Z");
        assertThat(cart.getLastCaptureTime()).isEqualTo("2026-11-25T10:15:35Z");
        assertThat(status.getTargets().get(1).getLastError()).isNull();
        assertThat(status.getTargets().get(1).getLastCaptureTime()).isEqualTo("2026-11-25T10:15:30Z");
    }

    @Test
    void keepsTheFailedTypesAndTheirCauseAsTheLastErrorOfAPod() {
        reporter.captureFinished(targetOf("shop/hot", "cart-1", null), CaptureReason.ON_DEMAND, heapFailed());

        assertThat(reporter.status().getTargets().get(0).getLastError()).isEqualTo("heap: fetch: connection refused");
    }

    @Test
    void writesOnceAndNotAgainWhileNothingChanges() {
        reporter.captureFinished(targetOf("shop/hot", "checkout-1", null), CaptureReason.ON_DEMAND, bothCaptured());

        assertThat(reporter.tick()).isEqualTo(Tick.WRITTEN);
        clock.advance(Duration.ofMinutes(5));
        assertThat(reporter.tick()).isEqualTo(Tick.UNCHANGED);
        reporter.observe(assignment); // the informer hears our own write
        assertThat(reporter.tick()).isEqualTo(Tick.UNCHANGED);

        assertThat(written).hasSize(1);
        assertThat(counters(written.get(0), "shop/hot").getCaptures()).isEqualTo(2L);
    }

    @Test
    void writesAtMostOncePerIntervalAndThenTheLatestCounts() {
        reporter.captureFinished(targetOf("shop/hot", "checkout-1", null), CaptureReason.ON_DEMAND, bothCaptured());
        assertThat(reporter.tick()).isEqualTo(Tick.WRITTEN);

        clock.advance(Duration.ofSeconds(4));
        reporter.captureFinished(targetOf("shop/hot", "checkout-1", null), CaptureReason.ON_DEMAND, bothCaptured());
        assertThat(reporter.tick()).isEqualTo(Tick.TOO_SOON);
        clock.advance(Duration.ofSeconds(5));
        reporter.captureFinished(targetOf("shop/hot", "checkout-1", null), CaptureReason.ON_DEMAND, bothCaptured());
        assertThat(reporter.tick()).isEqualTo(Tick.TOO_SOON);
        clock.advance(Duration.ofSeconds(1));
        assertThat(reporter.tick()).isEqualTo(Tick.WRITTEN);

        assertThat(written).extracting(s -> counters(s, "shop/hot").getCaptures()).containsExactly(2L, 6L);
    }

    @Test
    void retriesAFailedWriteAtTheNextTickWithoutThrowing() {
        reporter.captureFinished(targetOf("shop/hot", "checkout-1", null), CaptureReason.ON_DEMAND, bothCaptured());
        failuresToCome = 2;

        assertThat(reporter.tick()).isEqualTo(Tick.FAILED);
        assertThat(reporter.tick()).isEqualTo(Tick.FAILED);
        assertThat(reporter.tick()).isEqualTo(Tick.WRITTEN);
        assertThat(written).hasSize(1);
    }

    @Test
    void writesNothingWhileThereIsNoAssignment() {
        reporter.observe(null);
        reporter.captureFinished(targetOf("shop/hot", "checkout-1", null), CaptureReason.ON_DEMAND, bothCaptured());

        assertThat(reporter.tick()).isEqualTo(Tick.NOTHING_OBSERVED);
        assertThat(written).isEmpty();
    }

    @Test
    void writesAgainOnceTheAssignmentWasDeletedAndCreatedAnew() {
        assertThat(reporter.tick()).isEqualTo(Tick.WRITTEN);
        clock.advance(Duration.ofSeconds(10));
        reporter.observe(null);
        assignment.getMetadata().setUid("uid-2");
        reporter.observe(assignment);

        assertThat(reporter.tick()).isEqualTo(Tick.WRITTEN);
    }

    @Test
    void marksARequestedTokenHandledEvenWhenTheCaptureFailed() {
        reporter.captureFinished(targetOf("shop/hot", "cart-1", "t-7"), CaptureReason.REQUESTED, heapFailed());
        reporter.captureFinished(targetOf("shop/hot", "checkout-1", "t-9"), CaptureReason.ON_DEMAND, bothCaptured());

        assertThat(reporter.handledTokens()).containsExactly(Map.entry("shop/cart-1", "t-7"));
        assertThat(reporter.status().getTargets().get(0).getHandledCaptureToken()).isEqualTo("t-7");
    }

    @Test
    void adoptsTheTokensAPreviousRunHandledFromTheStatus() {
        assignment.setStatus(handled("shop/checkout-1", "t-1"));
        reporter.observe(assignment);

        assertThat(reporter.handledTokens()).containsExactly(Map.entry("shop/checkout-1", "t-1"));
        assertThat(reporter.status().getTargets()).singleElement()
                .satisfies(t -> assertThat(t.getHandledCaptureToken()).isEqualTo("t-1"));
    }

    @Test
    void continuesTheCountersAPreviousRunWroteSoTheyNeverCountBackwards() {
        ProfilingAssignmentStatus previous = new ProfilingAssignmentStatus();
        previous.setConfigs(List.of(new ConfigCounters("shop/hot", 8L, 7L, 1L, "2026-11-25T10:00:00Z")));
        assignment.setStatus(previous);
        reporter.observe(assignment);
        reporter.captureFinished(targetOf("shop/hot", "cart-1", null), CaptureReason.ON_DEMAND, bothCaptured());
        reporter.observe(assignment); // the status read again must not be added a second time

        ConfigCounters hot = counters(reporter.status(), "shop/hot");
        assertThat(hot.getCaptures()).isEqualTo(10L);
        assertThat(hot.getUploads()).isEqualTo(7L);
        assertThat(hot.getErrors()).isEqualTo(1L);
        assertThat(hot.getLastCaptureTime()).isEqualTo("2026-11-25T10:15:30Z");
        assertThat(counters(reporter.status(), "platform/all").getCaptures()).isZero();
    }

    @Test
    void remembersAHandledTokenOnTheSpoolVolumeBeforeTheStatusIsWritten(@TempDir Path spool) {
        AssignmentStatusReporter first = new AssignmentStatusReporter((name, status) -> { }, clock,
                Duration.ofSeconds(10), new HandledTokenFile(spool));
        first.observe(assignment);
        first.captureFinished(targetOf("shop/hot", "cart-1", "t-7"), CaptureReason.REQUESTED, bothCaptured());

        // the container is killed before any status write; the restarted agent finds the token on the volume
        AssignmentStatusReporter restarted = new AssignmentStatusReporter((name, status) -> { }, clock,
                Duration.ofSeconds(10), new HandledTokenFile(spool));
        restarted.observe(assignment);

        assertThat(restarted.handledTokens()).containsExactly(Map.entry("shop/cart-1", "t-7"));
        assertThat(AssignmentTargets.map(assignmentWithToken("cart-1", "t-7"), restarted.handledTokens()).targets())
                .allSatisfy(t -> assertThat(t.captureToken()).isNull());
    }

    private ProfilingAssignment assignmentWithToken(String pod, String token) {
        assignment.getSpec().getTargets().stream().filter(t -> t.getName().equals(pod))
                .forEach(t -> t.setCaptureToken(token));
        return assignment;
    }

    @Test
    void reportsOnlyConfigsAndPodsTheAssignmentStillLists() {
        reporter.captureFinished(targetOf("shop/hot", "cart-1", null), CaptureReason.ON_DEMAND, bothCaptured());
        assignment.getSpec().getTargets().removeIf(t -> t.getName().equals("cart-1"));
        assignment.getSpec().getConfigs().removeIf(c -> c.getName().equals("all"));
        reporter.observe(assignment);

        ProfilingAssignmentStatus status = reporter.status();

        assertThat(status.getConfigs()).extracting(ConfigCounters::getConfig).containsExactly("shop/hot");
        assertThat(counters(status, "shop/hot").getCaptures()).isEqualTo(2L);
        assertThat(status.getTargets()).isEmpty();
    }
}
