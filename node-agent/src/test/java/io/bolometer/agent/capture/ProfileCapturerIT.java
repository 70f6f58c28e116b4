package io.bolometer.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.capture.CaptureOutcome.Captured;
import io.bolometer.agent.capture.CaptureOutcome.Failed;
import io.bolometer.agent.capture.CaptureOutcome.Skipped;
import io.bolometer.agent.testing.FakePprofServer;
import io.bolometer.agent.testing.PprofBodies;
import io.bolometer.model.ProfileType;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

class ProfileCapturerIT {

    private static final String BUSY = "Could not enable CPU profiling: cpu profiling already in use\n";

    private static Vertx vertx;
    private static FakePprofServer pod;
    private static final AtomicInteger busyOnceCalls = new AtomicInteger();

    @TempDir
    Path dir;
    private Path destination;
    private ProfileFetcher fetcher;
    private ProfileCapturer capturer;

    @BeforeAll
    static void startServer() throws Exception {
        vertx = Vertx.vertx();
        pod = FakePprofServer.start(vertx, "127.0.0.1");
        byte[] cpu = PprofBodies.cpuProfile(4);
        pod.route("go", req -> profile(req, "application/octet-stream", cpu));
        pod.route("mislabelled", req -> profile(req, "text/plain; charset=utf-8", cpu));
        pod.route("idle-mutex", req -> profile(req, "application/octet-stream", PprofBodies.emptyMutexProfile()));
        pod.route("busy-once", req -> {
            if (busyOnceCalls.incrementAndGet() == 1) {
                goError(req, 500, BUSY);
            } else {
                profile(req, "application/octet-stream", cpu);
            }
        });
        pod.route("always-busy", req -> goError(req, 500, BUSY));
        pod.route("write-timeout", req -> goError(req, 400, "profile duration exceeds server's WriteTimeout\n"));
        pod.route("broken", req -> goError(req, 503, "upstream connect error"));
        pod.route("html", req -> req.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .end("<!DOCTYPE html><html><head><title>Login</title></head><body>Please sign in</body></html>"));
        pod.route("truncated", req -> profile(req, "application/octet-stream", Arrays.copyOf(cpu, cpu.length / 2)));
        pod.route("json", req -> profile(req, "application/octet-stream",
                PprofBodies.gzip("{\"status\":\"ok\",\"uptime\":12345}")));
        pod.route("endless", FakePprofServer.endlessBody(vertx));
    }

    @AfterAll
    static void stopServer() throws Exception {
        pod.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void newCapturer() {
        destination = dir.resolve("capture.pprof");
        fetcher = new ProfileFetcher(vertx,
                new FetchLimits(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(3), 64 * 1024));
        capturer = new ProfileCapturer(vertx, fetcher, new PprofValidator());
    }

    @AfterEach
    void closeFetcher() {
        fetcher.close();
    }

    @Test
    void capturesAValidCpuProfile() throws Exception {
        CaptureOutcome outcome = capture("/go/debug/pprof", ProfileType.CPU);

        assertThat(outcome).isEqualTo(new Captured(destination, PprofBodies.cpuProfile(4).length, 4));
        assertThat(destination).hasBinaryContent(PprofBodies.cpuProfile(4));
    }

    @Test
    void capturesAValidProfileServedWithAWrongContentType() throws Exception {
        CaptureOutcome outcome = capture("/mislabelled/debug/pprof", ProfileType.HEAP);

        assertThat(outcome).isInstanceOf(Captured.class);
        assertThat(destination).exists();
    }

    @Test
    void capturesAnEmptyMutexProfileAsAProfileWithZeroSamples() throws Exception {
        CaptureOutcome outcome = capture("/idle-mutex/debug/pprof", ProfileType.MUTEX);

        assertThat(outcome).isInstanceOfSatisfying(Captured.class, captured -> assertThat(captured.samples()).isZero());
    }

    @Test
    void retriesOnceAfterTheCpuSecondsWhenAnotherProfilerHoldsTheCpuProfiler() throws Exception {
        CaptureOutcome outcome = capture("/busy-once/debug/pprof", ProfileType.CPU);

        assertThat(outcome).isInstanceOf(Captured.class);
        assertThat(pod.requests("busy-once")).isEqualTo(2);
    }

    @Test
    void skipsWithCpuProfilerBusyWhenTheProfilerIsStillHeldOnRetry() throws Exception {
        CaptureOutcome outcome = capture("/always-busy/debug/pprof", ProfileType.CPU);

        assertThat(outcome).isEqualTo(new Skipped("cpu-profiler-busy"));
        assertThat(pod.requests("always-busy")).isEqualTo(2);
        assertThat(destination).doesNotExist();
    }

    @Test
    void explainsA400ForACpuProfileLongerThanTheAppsWriteTimeout() throws Exception {
        CaptureOutcome outcome = capture("/write-timeout/debug/pprof", ProfileType.CPU);

        assertThat(outcome).isEqualTo(new Failed("fetch", "cpu profile of 1s exceeds the app's HTTP WriteTimeout"));
        assertThat(pod.requests("write-timeout")).isEqualTo(1);
    }

    /** Each bad answer: the stage and cause it is reported with; no file is left for any of them. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /nowhere/debug/pprof   | GOROUTINE | fetch    | HTTP 404 at /nowhere/debug/pprof/goroutine: is net/http/pprof registered at this path?
            /broken/debug/pprof    | HEAP      | fetch    | HTTP 503 at /broken/debug/pprof/heap?gc=1: upstream connect error
            /html/debug/pprof      | HEAP      | validate | not gzip (served as text/html; charset=utf-8)
            /truncated/debug/pprof | CPU       | validate | truncated gzip (served as application/octet-stream)
            /json/debug/pprof      | HEAP      | validate | not a pprof profile: 
            /endless/debug/pprof   | GOROUTINE | fetch    | too-large: body exceeds the limit of 64 KiB
            """)
    void reportsABadAnswerAtItsStageAndLeavesNoFile(String path, ProfileType type, String stage, String cause)
            throws Exception {
        CaptureOutcome outcome = capture(path, type);

        assertThat(outcome).isInstanceOfSatisfying(Failed.class, failed -> {
            assertThat(failed.stage()).isEqualTo(stage);
            assertThat(failed.cause()).startsWith(cause);
        });
        assertThat(destination).doesNotExist();
    }

    @Test
    void reportsAnUnreachablePodAtTheFetchStage() throws Exception {
        int closedPort;
        try (FakePprofServer gone = FakePprofServer.start(vertx, "127.0.0.1")) {
            closedPort = gone.port();
        }

        CaptureOutcome outcome = capturer.capture(URI.create("http://127.0.0.1:" + closedPort), "/debug/pprof",
                ProfileType.HEAP, 1, destination).get(10, TimeUnit.SECONDS);

        assertThat(outcome).isEqualTo(new Failed("fetch", "connect: connection to 127.0.0.1:" + closedPort + " refused"));
        assertThat(Files.exists(destination)).isFalse();
    }

    private CaptureOutcome capture(String pprofPath, ProfileType type) throws Exception {
        return capturer.capture(pod.base(), pprofPath, type, 1, destination).get(15, TimeUnit.SECONDS);
    }

    private static void profile(HttpServerRequest req, String contentType, byte[] body) {
        req.response().putHeader("Content-Type", contentType).end(Buffer.buffer(body));
    }

    /** Answers the way net/http/pprof's serveError does. */
    private static void goError(HttpServerRequest req, int status, String text) {
        req.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
                .putHeader("X-Go-Pprof", "1").end(text);
    }
}
