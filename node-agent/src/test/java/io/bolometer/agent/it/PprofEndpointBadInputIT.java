package io.bolometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bolometer.agent.testing.NoUsage;
import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.agent.capture.FetchLimits;
import io.bolometer.agent.runtime.ProfileCollector;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.targets.TargetSettings;
import io.bolometer.testing.Await;
import io.bolometer.agent.testing.FakePprofServer;
import io.bolometer.agent.testing.PprofBodies;
import io.bolometer.agent.testing.SampleApp;
import io.bolometer.agent.testing.Scrape;
import io.bolometer.agent.targets.ResourceLimits;
import io.bolometer.agent.upload.DirectoryProfileSink;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.ProfileType;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * Every kind of bad pprof endpoint, one case each, beside a healthy pod (the real Go sample app), through the whole
 * agent: the exact metric label, exactly one log line for the repeated cause, nothing of the broken pod stored, and
 * the healthy pod profiled all along.
 *
 * <p>Content type: the body decides, not the header. Go's net/http/pprof serves {@code application/octet-stream},
 * but a proxy or framework in front of it may relabel a real profile; a body that validates as a gzipped pprof
 * {@code Profile} is stored whatever its Content-Type, and a body that doesn't is refused at {@code validate} with
 * the Content-Type named in the reason ({@code not gzip (served as text/html; charset=utf-8)}).
 */
class PprofEndpointBadInputIT {
    private static final PodRef GOOD = new PodRef("shop", "good-pod");
    private static final PodRef BAD = new PodRef("shop", "broken-pod");
    private static final byte[] CPU = PprofBodies.cpuProfile(3);
    private static final long MAX_BODY = 1024 * 1024;
    private static final long MAX_DECOMPRESSED = 4 * 1024 * 1024;
    private static final String SLOWLORIS_HOST = "127.0.0.55";
    private static Vertx vertx;
    private static SampleApp app;
    private static FakePprofServer pod;
    private static FakePprofServer elsewhere;
    private static NetServer slowloris;
    private static final AtomicInteger slowlorisConnections = new AtomicInteger();

    /** What the agent must make of a bad endpoint: an error at a stage, a skip with a reason, or a stored profile. */
    record Outcome(String errorStage, String skipReason) {
        static Outcome error(String stage) {
            return new Outcome(stage, null);
        }

        static Outcome skipped(String reason) {
            return new Outcome(null, reason);
        }

        static Outcome stored() {
            return new Outcome(null, null);
        }
    }

    /** One bad endpoint, the profile type asked of it, and the exact outcome and log text. */
    enum Endpoint {
        CONNECTION_REFUSED(Outcome.error("fetch"), ProfileType.HEAP, null,
                "(fetch): connect: connection to 127.0.0.54:"),
        NOT_FOUND(Outcome.error("fetch"), ProfileType.HEAP,
                req -> req.response().setStatusCode(404).end("404 page not found\n"),
                "(fetch): HTTP 404 at /NOT_FOUND/heap?gc=1: is net/http/pprof registered at this path?"),
        UNAUTHORIZED(Outcome.error("fetch"), ProfileType.HEAP,
                req -> req.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"pprof\"")
                        .end("Unauthorized\n"),
                "(fetch): HTTP 401 at /UNAUTHORIZED/heap?gc=1: the pprof endpoint asks for credentials and the agent sends none"),
        INTERNAL_ERROR(Outcome.error("fetch"), ProfileType.HEAP,
                req -> req.response().setStatusCode(500).end("runtime error: invalid memory address\n"),
                "(fetch): HTTP 500 at /INTERNAL_ERROR/heap?gc=1: runtime error: invalid memory address"),
        CPU_PROFILE_LONGER_THAN_WRITE_TIMEOUT(Outcome.error("fetch"), ProfileType.CPU,
                req -> req.response().setStatusCode(400).putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("profile duration exceeds server's WriteTimeout\n"),
                "(fetch): cpu profile of 1s exceeds the app's HTTP WriteTimeout"),
        CPU_PROFILER_BUSY(Outcome.skipped("cpu-profiler-busy"), ProfileType.CPU,
                req -> req.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("Could not enable CPU profiling: cpu profiling already in use\n"),
                "Skipped cpu profile of shop/broken-pod: cpu-profiler-busy"),
        REDIRECT_TO_ANOTHER_HOST(Outcome.error("fetch"), ProfileType.HEAP,
                req -> req.response().setStatusCode(302)
                        .putHeader("Location", elsewhere.base() + "/steal/heap").end(),
                "(fetch): redirect: redirect not followed: HTTP 302 to http://127.0.0.53:"),
        HTML_PAGE(Outcome.error("validate"), ProfileType.HEAP,
                req -> req.response().putHeader("Content-Type", "text/html; charset=utf-8")
                        .end("<!doctype html><html><body>Welcome to nginx!</body></html>"),
                "(validate): not gzip (served as text/html; charset=utf-8)"),
        EMPTY_BODY(Outcome.error("validate"), ProfileType.HEAP,
                req -> req.response().putHeader("Content-Type", "application/octet-stream").end(),
                "(validate): empty body (served as application/octet-stream)"),
        TRUNCATED_GZIP(Outcome.error("validate"), ProfileType.HEAP,
                req -> req.response().end(Buffer.buffer(Arrays.copyOf(CPU, CPU.length / 2))),
                "(validate): truncated gzip"),
        PROFILE_WITH_A_TAIL(Outcome.error("validate"), ProfileType.HEAP,
                req -> req.response().end(Buffer.buffer(CPU).appendString("<!-- injected by a proxy -->")),
                "(validate): corrupt gzip: bytes after the gzip member"),
        GZIP_OF_JSON(Outcome.error("validate"), ProfileType.HEAP,
                req -> req.response().end(Buffer.buffer(PprofBodies.gzip("{\"kind\":\"Status\"}"))),
                "(validate): not a pprof profile: "),
        GZIP_BOMB(Outcome.error("validate"), ProfileType.HEAP,
                req -> req.response().putHeader("Content-Type", "application/octet-stream")
                        .end(Buffer.buffer(PprofBodies.gzipBomb(16 * 1024 * 1024))),
                "(validate): decompressed size exceeds 4 MiB (served as application/octet-stream)"),
        ENDLESS_BODY(Outcome.error("fetch"), ProfileType.HEAP, req -> FakePprofServer.endlessBody(vertx).handle(req),
                "(fetch): too-large: body exceeds the limit of 1 MiB"),
        STALLED_BODY(Outcome.error("fetch"), ProfileType.HEAP,
                req -> req.response().setChunked(true).write("\u001f"),
                "(fetch): timeout: body stalled for 1s"),
        SLOWLORIS_HEADERS(Outcome.error("fetch"), ProfileType.HEAP, null,
                "(fetch): timeout: no response headers within 1s"),
        PROFILE_SERVED_AS_HTML(Outcome.stored(), ProfileType.HEAP,
                req -> req.response().putHeader("Content-Type", "text/html; charset=utf-8").end(Buffer.buffer(CPU)),
                null);

        final Outcome outcome;
        final ProfileType type;
        final Handler<HttpServerRequest> handler;
        final String logText;

        Endpoint(Outcome outcome, ProfileType type, Handler<HttpServerRequest> handler, String logText) {
            this.outcome = outcome;
            this.type = type;
            this.handler = handler;
            this.logText = logText;
        }
    }

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Level collectorLevel;
    private Path dir;
    private AgentRuntime agent;

    @BeforeAll
    static void startPods() throws Exception {
        vertx = Vertx.vertx();
        app = SampleApp.start("127.0.0.51");
        pod = FakePprofServer.start(vertx, "127.0.0.52");
        elsewhere = FakePprofServer.start(vertx, "127.0.0.53");
        for (Endpoint endpoint : Endpoint.values()) {
            if (endpoint.handler != null) {
                pod.route(endpoint.name(), endpoint.handler);
            }
        }
        slowloris = startSlowloris();
    }

    /** Answers every connection with response headers dribbled a byte every 200 ms, never finishing them. */
    private static NetServer startSlowloris() throws Exception {
        byte[] headers = ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                + "X-Padding: " + "a".repeat(400) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        NetServer server = vertx.createNetServer().connectHandler(socket -> {
            slowlorisConnections.incrementAndGet();
            AtomicInteger sent = new AtomicInteger();
            long timer = vertx.setPeriodic(200, id -> {
                int i = sent.getAndIncrement();
                if (i < headers.length) {
                    socket.write(Buffer.buffer(new byte[] {headers[i]}));
                } else {
                    vertx.cancelTimer(id);
                    socket.close();
                }
            });
            socket.closeHandler(v -> vertx.cancelTimer(timer));
            socket.handler(ignored -> { });
        });
        server.listen(0, SLOWLORIS_HOST).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return server;
    }

    @AfterAll
    static void stopPods() throws Exception {
        slowloris.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        pod.close();
        elsewhere.close();
        app.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void startAgent() throws IOException {
        logs.start();
        // Explicit: an earlier IT in the same JVM may have started s3mock, whose Spring Boot resets logback levels.
        collectorLevel = collectorLogger().getLevel();
        collectorLogger().setLevel(Level.INFO);
        collectorLogger().addAppender(logs);
        dir = Files.createTempDirectory("bad-endpoint");
        DirectoryProfileSink sink = new DirectoryProfileSink(dir.resolve("store"));
        FetchLimits limits = new FetchLimits(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5),
                MAX_BODY, MAX_DECOMPRESSED);
        agent = AgentRuntime.start(vertx, new AgentRuntime.Settings(dir.resolve("spool"), 64L << 20, "127.0.0.1", 0, 0, limits),
                NoUsage.empty(Clock.systemUTC()), location -> sink, ProfileCollector.CaptureListener.NONE, Clock.systemUTC());
    }

    @AfterEach
    void stopAgent() {
        agent.close();
        collectorLogger().detachAppender(logs);
        collectorLogger().setLevel(collectorLevel);
    }

    private static Logger collectorLogger() {
        return (Logger) LoggerFactory.getLogger(ProfileCollector.class);
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void refusesTheBadEndpointWithItsReasonStoresNothingOfItAndKeepsProfilingTheHealthyPod(Endpoint endpoint)
            throws Exception {
        agent.apply(List.of(
                target(GOOD, app.baseUrl(), "/debug/pprof", List.of(ProfileType.HEAP, ProfileType.GOROUTINE)),
                target(BAD, badBase(endpoint), "/" + endpoint.name(), List.of(endpoint.type))));
        Outcome expected = endpoint.outcome;

        if (expected.errorStage() != null) {
            String series = "profiling_errors_total{stage=\"" + expected.errorStage() + "\"}";
            Await.until(Duration.ofSeconds(40), "two errors at stage " + expected.errorStage(), () -> metric(series) >= 2);
            String text = scrape();
            assertThat(Scrape.sum(text, "profiling_errors_total", "")).as("no error at any other stage")
                    .isEqualTo(Scrape.value(text, series));
        } else if (expected.skipReason() != null) {
            String series = "profiling_captures_skipped_total{reason=\"" + expected.skipReason() + "\"}";
            Await.until(Duration.ofSeconds(40), "two skipped captures", () -> metric(series) >= 2);
            assertThat(Scrape.sum(scrape(), "profiling_errors_total", "")).as("a busy profiler is no error").isZero();
            double skipped = metric(series);
            assertThat((double) pod.requests(endpoint.name())).as("one try and one retry per skipped capture")
                    .isGreaterThanOrEqualTo(2 * skipped);
        } else {
            Await.until(Duration.ofSeconds(40), "the broken pod's profile stored", () -> stored(BAD).size() >= 1);
            assertThat(Scrape.sum(scrape(), "profiling_errors_total", "")).isZero();
        }
        Await.until(Duration.ofSeconds(40), "two captures of the healthy pod", () -> stored(GOOD).size() >= 4);

        if (expected.errorStage() != null || expected.skipReason() != null) {
            assertThat(stored(BAD)).as("nothing of the broken pod stored").isEmpty();
        }
        List<ILoggingEvent> aboutBadPod = logs.list.stream()
                .filter(e -> e.getFormattedMessage().contains(BAD.toString()))
                .filter(e -> e.getLevel() == Level.WARN || e.getFormattedMessage().startsWith("Skipped")).toList();
        if (endpoint.logText == null) {
            assertThat(aboutBadPod).as("no complaint about a good profile").isEmpty();
        } else {
            assertThat(aboutBadPod).as("one log line for the repeated cause").singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(expected.skipReason() != null ? Level.INFO : Level.WARN);
                assertThat(e.getFormattedMessage()).contains(endpoint.logText);
            });
        }
        if (endpoint == Endpoint.REDIRECT_TO_ANOTHER_HOST) {
            assertThat(elsewhere.totalRequests()).as("redirects are not followed").isZero();
        }
        if (endpoint == Endpoint.SLOWLORIS_HEADERS) {
            assertThat(slowlorisConnections.get()).as("the slow server was asked").isGreaterThanOrEqualTo(2);
        }
    }

    private static URI badBase(Endpoint endpoint) throws IOException {
        return switch (endpoint) {
            case CONNECTION_REFUSED -> closedPort();
            case SLOWLORIS_HEADERS -> URI.create("http://" + SLOWLORIS_HOST + ":" + slowloris.actualPort());
            default -> pod.base();
        };
    }

    private String scrape() {
        return agent.metrics().scrape();
    }

    private double metric(String series) {
        return Scrape.value(scrape(), series);
    }

    private List<Path> stored(PodRef which) {
        Path store = dir.resolve("store");
        if (!Files.isDirectory(store)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(store)) {
            return files.filter(p -> p.getFileName().toString().contains(which.name())
                    && p.getFileName().toString().endsWith(".pprof")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProfilingTarget target(PodRef ref, URI base, String path, List<ProfileType> types) {
        TargetSettings settings = new TargetSettings(80, 90, Duration.ofSeconds(5), Duration.ofMinutes(5), true,
                Duration.ofSeconds(2), types, 1);
        return new ProfilingTarget("shop/cfg", ref, "node-a", base, path, ref.name(), Map.of(),
                ResourceLimits.configured(0, 0), settings, new StoreLocation.Directory(dir.resolve("store").toString()),
                "profiles", 0, null);
    }

    private static URI closedPort() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.54"))) {
            port = socket.getLocalPort();
        }
        return URI.create("http://127.0.0.54:" + port);
    }

    /** No thresholds in these tests: only periodic captures. */
}
