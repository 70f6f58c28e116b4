package io.bolometer.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bolometer.agent.capture.FetchResult.Failed;
import io.bolometer.agent.capture.FetchResult.Fetched;
import io.bolometer.agent.capture.FetchResult.HttpStatus;
import io.bolometer.agent.testing.FakePprofServer;
import io.bolometer.agent.testing.PprofBodies;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProfileFetcherIT {

    /** Roomy where a test expects success, so a cold JVM on busy cores does not trip them. */
    private static final FetchLimits LIMITS = new FetchLimits(
            Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(1500), 64 * 1024);
    /** A short idle timeout for the tests that expect one to fire. */
    private static final FetchLimits SHORT_IDLE = new FetchLimits(
            Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(3), 64 * 1024);

    private static Vertx vertx;
    private static FakePprofServer pod;
    private static FakePprofServer otherHost;

    @TempDir
    Path dir;
    private Path destination;
    private ProfileFetcher fetcher;

    @BeforeAll
    static void startServers() throws Exception {
        vertx = Vertx.vertx();
        pod = FakePprofServer.start(vertx, "127.0.0.1");
        otherHost = FakePprofServer.start(vertx, "127.0.0.2");
        byte[] profile = PprofBodies.cpuProfile(2);
        pod.route("ok", req -> req.response().putHeader("Content-Type", "application/octet-stream")
                .end(Buffer.buffer(profile)));
        pod.route("redirect", req -> req.response().setStatusCode(302)
                .putHeader("Location", otherHost.base() + "/debug/pprof/heap").end());
        pod.route("error", req -> req.response().setStatusCode(500)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("Could not enable\r\n\u0007CPU   profiling: " + "x".repeat(10_000)));
        pod.route("endless", FakePprofServer.endlessBody(vertx));
        pod.route("slowloris", req -> req.response().setChunked(true).write(Buffer.buffer(new byte[] {0x1f})));
        pod.route("silent", req -> { });
        pod.route("trickle", req -> {
            HttpServerResponse response = req.response().setChunked(true);
            long timer = vertx.setPeriodic(100, id -> response.write("x"));
            req.connection().closeHandler(v -> vertx.cancelTimer(timer));
        });
        pod.route("huge", req -> req.response().putHeader("Content-Length", String.valueOf(1L << 30))
                .write(Buffer.buffer(new byte[16])));
        pod.route("cut", req -> {
            req.response().putHeader("Content-Length", "1000").write(Buffer.buffer(new byte[100]));
            vertx.setTimer(20, id -> req.connection().close());
        });
        warmUp();
    }

    /** Loads the client's classes once, so no test's timing pays for a cold start. */
    private static void warmUp() throws Exception {
        Path warmFile = Files.createTempFile("warm-up", ".pprof");
        try (ProfileFetcher warm = new ProfileFetcher(vertx, LIMITS)) {
            assertThat(warm.fetch(pod.base(), "/ok/debug/pprof/heap", Duration.ZERO, warmFile)
                    .get(10, TimeUnit.SECONDS)).isInstanceOf(Fetched.class);
        } finally {
            Files.deleteIfExists(warmFile);
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        pod.close();
        otherHost.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void newFetcher() {
        destination = dir.resolve("profile.pprof");
        fetcher = new ProfileFetcher(vertx, LIMITS);
    }

    @AfterEach
    void closeFetcher() {
        fetcher.close();
    }

    @Test
    void streamsAProfileBodyToTheDestinationFile() throws Exception {
        FetchResult result = fetch(pod.base(), "/ok/debug/pprof/heap?gc=1");

        byte[] expected = PprofBodies.cpuProfile(2);
        assertThat(result).isEqualTo(new Fetched(expected.length, "application/octet-stream"));
        assertThat(Files.readAllBytes(destination)).isEqualTo(expected);
    }

    @Test
    void reportsAClosedPortAsAConnectFailure() throws Exception {
        int closedPort = closedPort();

        FetchResult result = fetch(URI.create("http://127.0.0.1:" + closedPort), "/debug/pprof/heap");

        assertThat(result).isEqualTo(new Failed("connect", "connection to 127.0.0.1:" + closedPort + " refused"));
        assertThat(destination).doesNotExist();
    }

    /**
     * A loopback port nothing listens on. A privileged one when this may bind them (root): the kernel never hands
     * those out as the source port of an outgoing connection, which made a freed ephemeral port answer with a reset
     * now and then; else a freed ephemeral port.
     */
    private static int closedPort() throws java.io.IOException {
        for (int port = 1023; port > 900; port--) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                return probe.getLocalPort();
            } catch (java.io.IOException taken) {
                // in use, or not allowed to bind it: try the next, then an ephemeral one
            }
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        }
    }

    @Test
    void doesNotFollowARedirectToAnotherHost() throws Exception {
        FetchResult result = fetch(pod.base(), "/redirect/debug/pprof/heap");

        assertThat(result).isEqualTo(new Failed("redirect",
                "redirect not followed: HTTP 302 to " + otherHost.base() + "/debug/pprof/heap"));
        assertThat(otherHost.totalRequests()).isZero();
        assertThat(destination).doesNotExist();
    }

    @Test
    void reportsAnErrorStatusWithAShortSanitizedSnippetOfItsBody() throws Exception {
        FetchResult result = fetch(pod.base(), "/error/debug/pprof/profile?seconds=1");

        assertThat(result).isInstanceOfSatisfying(HttpStatus.class, status -> {
            assertThat(status.status()).isEqualTo(500);
            assertThat(status.bodySnippet()).startsWith("Could not enable CPU profiling: xxx").hasSize(200);
        });
        assertThat(destination).doesNotExist();
    }

    /** Bodies the fetch refuses part-way, each named with its reason, and never a partial file left behind. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            an endless body is cut at the size limit | /endless/debug/pprof/heap | too-large | body exceeds the limit of 64 KiB
            a Content-Length over the limit is refused before reading | /huge/debug/pprof/heap | too-large | Content-Length 1073741824 exceeds the limit of 64 KiB
            a body trickling past the overall deadline is stopped | /trickle/debug/pprof/heap | timeout | no complete response within 1.5s (0s expected + 1.5s grace)
            """)
    void refusesTheBodyAndDeletesThePartialFile(String what, String path, String kind, String message) throws Exception {
        FetchResult result = fetch(pod.base(), path);

        assertThat(result).isEqualTo(new Failed(kind, message));
        assertThat(destination).doesNotExist();
    }

    @Test
    void givesUpOnABodyThatStallsAfterOneByte() throws Exception {
        FetchResult result = fetchWithShortIdle("/slowloris/debug/pprof/profile?seconds=1", Duration.ofSeconds(1));

        assertThat(result).isEqualTo(new Failed("timeout", "body stalled for 0.3s"));
        assertThat(destination).doesNotExist();
    }

    @Test
    void givesUpOnAServerThatNeverAnswers() throws Exception {
        FetchResult result = fetchWithShortIdle("/silent/debug/pprof/heap", Duration.ZERO);

        assertThat(result).isEqualTo(new Failed("timeout", "no response headers within 0.3s"));
    }

    @Test
    void waitsTheExpectedDurationPlusIdleTimeBeforeHeadersArrive() throws Exception {
        FetchResult result = fetchWithShortIdle("/silent/debug/pprof/profile?seconds=1", Duration.ofMillis(600));

        assertThat(result).isEqualTo(new Failed("timeout", "no response headers within 0.9s"));
    }

    @Test
    void reportsAConnectionClosedMidBodyAsAnIoFailureAndDeletesThePartialFile() throws Exception {
        FetchResult result = fetch(pod.base(), "/cut/debug/pprof/heap");

        assertThat(result).isInstanceOfSatisfying(Failed.class, failed -> assertThat(failed.kind()).isEqualTo("io"));
        assertThat(destination).doesNotExist();
    }

    @Test
    void acceptsOnlyABareHttpBase() {
        assertThatThrownBy(() -> fetcher.fetch(URI.create("https://127.0.0.1:6060"), "/debug/pprof/heap",
                Duration.ZERO, destination)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://");
        assertThatThrownBy(() -> fetcher.fetch(URI.create("http://127.0.0.1:6060/elsewhere"), "/debug/pprof/heap",
                Duration.ZERO, destination)).isInstanceOf(IllegalArgumentException.class);
    }

    private FetchResult fetchWithShortIdle(String path, Duration expected) throws Exception {
        try (ProfileFetcher impatient = new ProfileFetcher(vertx, SHORT_IDLE)) {
            return impatient.fetch(pod.base(), path, expected, destination).get(10, TimeUnit.SECONDS);
        }
    }

    private FetchResult fetch(URI base, String path) throws Exception {
        return fetcher.fetch(base, path, Duration.ZERO, destination).get(10, TimeUnit.SECONDS);
    }
}
