package io.bolometer.agent.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.testing.FakeKubelet;
import io.bolometer.testing.MutableClock;
import io.bolometer.testing.SummaryJson;
import io.bolometer.agent.trigger.PodUsage;
import io.bolometer.agent.trigger.UsageSnapshot;
import io.bolometer.agent.trigger.UsageSourceException;
import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class KubeletSummaryClientIT {

    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.secret-token-AAAA.sig";
    private static final String ROTATED = "eyJhbGciOiJSUzI1NiJ9.secret-token-BBBB.sig";
    private static final Instant T0 = Instant.parse("2024-01-15T12:00:00Z");
    private static final Duration WAIT_LIMIT = Duration.ofSeconds(15);

    private static Vertx vertx;

    @TempDir
    Path dir;
    private Path tokenFile;
    private FakeKubelet kubelet;
    private final MutableClock clock = new MutableClock(T0);
    private final List<KubeletSummaryClient> clients = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @BeforeEach
    void startKubelet() throws IOException {
        tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        kubelet = FakeKubelet.start(vertx, TOKEN);
        logs.start();
        rootLogger().addAppender(logs);
    }

    @AfterEach
    void stopKubelet() {
        rootLogger().detachAppender(logs);
        clients.forEach(KubeletSummaryClient::close);
        kubelet.close();
    }

    @Test
    void readsPodUsageOverVerifiedTlsWithTheBearerToken() throws Exception {
        kubelet.serve(SummaryJson.node("kind-worker")
                .withPod("shop", "checkout-1", "uid-1", 9_000_000_000L, 300_000_000L, T0.minusSeconds(2)).build());

        UsageSnapshot snapshot = await(client().sample());

        assertThat(snapshot.readAt()).isEqualTo(T0);
        assertThat(snapshot.pods()).containsOnly(Map.entry(new PodRef("shop", "checkout-1"),
                new PodUsage(T0.minusSeconds(2), 9_000_000_000L, 300_000_000L)));
        assertThat(kubelet.lastQuery()).isEqualTo("only_cpu_and_memory=true");
    }

    @Test
    void seesCumulativeCpuAdvanceBetweenSamples() throws Exception {
        AtomicLong cpu = new AtomicLong(1_000_000_000L);
        kubelet.serve(() -> SummaryJson.node("kind-worker")
                .withPod("shop", "cart-1", "uid-2", cpu.getAndAdd(2_500_000_000L), 1L, T0).build());
        KubeletSummaryClient client = client();
        PodRef cart = new PodRef("shop", "cart-1");

        long first = await(client.sample()).pods().get(cart).cpuUsageCoreNanoSeconds();
        long second = await(client.sample()).pods().get(cart).cpuUsageCoreNanoSeconds();

        assertThat(second - first).isEqualTo(2_500_000_000L);
        assertThat(kubelet.summaryRequestCount()).isEqualTo(2);
    }

    @Test
    void givesTheNodeNameAndNodeUsageWithTheSummary() throws Exception {
        KubeletSummary summary = await(client().summary());

        assertThat(summary.nodeName()).isEqualTo("fake-node");
        assertThat(summary.node().workingSetBytes()).isPositive();
    }

    @Test
    void reportsAWrongTokenAsUnauthorizedPointingAtNodesStatsRbac() throws Exception {
        kubelet.acceptOnly("someone-else");

        UsageSourceException e = failure(client().sample());

        assertThat(e.kind()).isEqualTo("unauthorized");
        assertThat(e.getMessage()).contains("401").contains("nodes/stats");
    }

    @Test
    void reportsForbiddenAsUnauthorized() throws Exception {
        kubelet.answerWith(403, "Forbidden (user=system:serviceaccount:bolometer-system:agent, verb=get, "
                + "resource=nodes, subresource=stats)");

        UsageSourceException e = failure(client().sample());

        assertThat(e.kind()).isEqualTo("unauthorized");
        assertThat(e.getMessage()).contains("403").contains("nodes/stats");
    }

    @Test
    void reportsAMissingTokenFileAsUnauthorizedNamingTheFile() throws Exception {
        Files.delete(tokenFile);

        UsageSourceException e = failure(client().sample());

        assertThat(e.kind()).isEqualTo("unauthorized");
        assertThat(e.getMessage()).contains(tokenFile.toString());
        assertThat(kubelet.requestCount()).isZero();
    }

    @Test
    void failsWithTlsWhenTheKubeletCertificateIsNotSignedByTheTrustedCa() throws Exception {
        SelfSignedCertificate stranger = SelfSignedCertificate.create("127.0.0.1");
        try {
            UsageSourceException e = failure(client(Path.of(stranger.certificatePath()), false, Duration.ofSeconds(5))
                    .sample());

            assertThat(e.kind()).isEqualTo("tls");
            assertThat(kubelet.requestCount()).isZero();
        } finally {
            stranger.delete();
        }
    }

    @Test
    void acceptsAnUntrustedCertificateOnlyWhenInsecureModeIsChosen() throws Exception {
        SelfSignedCertificate stranger = SelfSignedCertificate.create("127.0.0.1");
        try {
            KubeletSummaryClient insecure = client(Path.of(stranger.certificatePath()), true, Duration.ofSeconds(5));

            assertThat(await(insecure.sample()).readAt()).isEqualTo(T0);
            assertThat(insecure.describe()).contains("TLS unverified");
            assertThat(logs.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
                    .contains("TLS verification of kubelet").contains("is off"));
        } finally {
            stranger.delete();
        }
    }

    @Test
    void refusesATrustedCertificateThatNamesAnotherAddress() throws Exception {
        try (FakeKubelet elsewhere = FakeKubelet.start(vertx, TOKEN, "127.0.0.2")) {
            KubeletSettings settings = new KubeletSettings(elsewhere.uri(), tokenFile, elsewhere.caCertPath(), false,
                    Duration.ofSeconds(5));
            KubeletSettings insecure = new KubeletSettings(elsewhere.uri(), tokenFile, elsewhere.caCertPath(), true,
                    Duration.ofSeconds(5));
            try (KubeletSummaryClient verifying = new KubeletSummaryClient(vertx, settings, clock);
                 KubeletSummaryClient trusting = new KubeletSummaryClient(vertx, insecure, clock)) {

                UsageSourceException e = failure(verifying.sample());

                assertThat(e.kind()).isEqualTo("tls");
                assertThat(e.getMessage()).contains("valid for 127.0.0.2");
                assertThat(elsewhere.requestCount()).isZero();
                assertThat(await(trusting.sample()).readAt()).isEqualTo(T0);
            }
        }
    }

    @Test
    void refusesToStartWithoutAReadableCaUnlessInsecure() {
        Path missing = dir.resolve("no-ca.crt");

        assertThatThrownBy(() -> client(missing, false, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KUBELET_CA_FILE");
    }

    @Test
    void reportsABodyThatIsNotJsonAsBadResponse() throws Exception {
        kubelet.answerWithGarbage();

        assertThat(failure(client().sample()).kind()).isEqualTo("bad-response");
    }

    @Test
    void reportsAServerErrorAsBadResponseWithItsStatus() throws Exception {
        kubelet.answerWith(503, "failed to get node info: node \"kind-worker\" not found");

        UsageSourceException e = failure(client().sample());

        assertThat(e.kind()).isEqualTo("bad-response");
        assertThat(e.getMessage()).contains("503").contains("failed to get node info");
    }

    @Test
    void reportsAKubeletThatDoesNotListenAsUnreachable() throws Exception {
        KubeletSummaryClient client = client();
        kubelet.stop();

        assertThat(failure(client.sample()).kind()).isEqualTo("unreachable");
    }

    @Test
    void givesUpOnASlowKubeletAfterTheTimeout() throws Exception {
        kubelet.delayAnswers(Duration.ofSeconds(10));
        long started = System.nanoTime();

        UsageSourceException e = failure(client(kubelet.caCertPath(), false, Duration.ofMillis(300)).sample());

        assertThat(e.kind()).isEqualTo("timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void picksUpARotatedTokenOnceTheCheckIntervalHasPassed() throws Exception {
        KubeletSummaryClient client = client();
        await(client.sample());
        rotateToken();

        clock.advance(KubeletSummaryClient.TOKEN_CHECK_INTERVAL.plusSeconds(1));
        await(client.sample());

        assertThat(kubelet.requestCount()).as("no request was refused").isEqualTo(kubelet.summaryRequestCount());
        assertThat(kubelet.summaryRequestCount()).isEqualTo(2);
    }

    @Test
    void retriesOnceWithTheRotatedTokenWhenTheOldOneIsRefused() throws Exception {
        KubeletSummaryClient client = client();
        await(client.sample());
        rotateToken();

        await(client.sample());

        assertThat(kubelet.requestCount()).as("one 401, then the retry").isEqualTo(3);
        assertThat(kubelet.summaryRequestCount()).isEqualTo(2);
    }

    @Test
    void neverPutsTheTokenInMessagesLogsOrDescriptions() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        kubelet.acceptOnly("someone-else");
        failures.add(failure(client().sample()));
        kubelet.acceptOnly(TOKEN).answerWith(500, "internal error");
        failures.add(failure(client().sample()));
        kubelet.answerWithGarbage();
        failures.add(failure(client().sample()));
        kubelet.serve("{}").delayAnswers(Duration.ofSeconds(10));
        failures.add(failure(client(kubelet.caCertPath(), false, Duration.ofMillis(200)).sample()));
        SelfSignedCertificate stranger = SelfSignedCertificate.create("127.0.0.1");
        try {
            failures.add(failure(client(Path.of(stranger.certificatePath()), false, Duration.ofSeconds(5)).sample()));
        } finally {
            stranger.delete();
        }

        List<String> texts = new ArrayList<>();
        for (Throwable f : failures) {
            for (Throwable t = f; t != null; t = t.getCause()) {
                texts.add(String.valueOf(t));
            }
        }
        clients.forEach(c -> texts.add(c.describe() + c));
        logs.list.forEach(event -> texts.add(event.getFormattedMessage()));
        assertThat(failures).hasSize(5);
        assertThat(texts).isNotEmpty().noneMatch(text -> text.contains("secret-token"));
    }

    private void rotateToken() throws IOException {
        Files.writeString(tokenFile, ROTATED + "\n");
        // mtime has millisecond resolution in FileProps: make the change visible however fast the test runs.
        Files.setLastModifiedTime(tokenFile, FileTime.from(Instant.now().plusSeconds(5)));
        kubelet.acceptOnly(ROTATED);
    }

    private KubeletSummaryClient client() {
        return client(kubelet.caCertPath(), false, Duration.ofSeconds(5));
    }

    private KubeletSummaryClient client(Path ca, boolean insecure, Duration timeout) {
        KubeletSummaryClient client = new KubeletSummaryClient(vertx,
                new KubeletSettings(kubelet.uri(), tokenFile, ca, insecure, timeout), clock);
        clients.add(client);
        return client;
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("expected success, got " + e.getCause(), e.getCause());
        }
    }

    private static UsageSourceException failure(CompletableFuture<?> future) throws Exception {
        try {
            Object value = future.get(WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(UsageSourceException.class);
            return (UsageSourceException) e.getCause();
        }
    }

    private static Logger rootLogger() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
