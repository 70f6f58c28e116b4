package io.bolometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.AgentRuntime;
import io.bolometer.agent.capture.FetchLimits;
import io.bolometer.agent.collect.ProfileCollector;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.targets.TargetSettings;
import io.bolometer.agent.testing.Await;
import io.bolometer.agent.testing.FakePprofServer;
import io.bolometer.agent.testing.PprofBodies;
import io.bolometer.agent.testing.SampleApp;
import io.bolometer.agent.testing.Scrape;
import io.bolometer.agent.trigger.ResourceLimits;
import io.bolometer.agent.trigger.UsageSnapshot;
import io.bolometer.agent.trigger.UsageSource;
import io.bolometer.agent.upload.DirectoryProfileSink;
import io.bolometer.agent.upload.StoreLocation;
import io.bolometer.model.ProfileType;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each broken pprof endpoint, beside a healthy pod, through the whole agent: the failure is counted under its
 * stage, nothing of the broken pod is stored, and the healthy pod keeps being profiled.
 */
class BadEndpointIT {
    private static final PodRef GOOD = new PodRef("shop", "good-pod");
    private static final PodRef BAD = new PodRef("shop", "broken-pod");
    private static final byte[] CPU = PprofBodies.cpuProfile(3);
    private static Vertx vertx;
    private static SampleApp app;
    private static FakePprofServer pod;
    private static FakePprofServer elsewhere;

    /** One broken endpoint and what the agent must make of it. */
    enum Endpoint {
        CONNECTION_REFUSED("fetch", null),
        NOT_FOUND("fetch", req -> req.response().setStatusCode(404).end("404 page not found\n")),
        HTML_PAGE("validate", req -> req.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .end("<!doctype html><html><body>Welcome to nginx!</body></html>")),
        TRUNCATED_GZIP("validate", req -> req.response().end(Buffer.buffer(Arrays.copyOf(CPU, CPU.length / 2)))),
        GZIP_OF_JSON("validate", req -> req.response().end(Buffer.buffer(PprofBodies.gzip("{\"kind\":\"Status\"}")))),
        ENDLESS_BODY("fetch", req -> FakePprofServer.endlessBody(vertx).handle(req)),
        SLOW_BODY("fetch", req -> req.response().setChunked(true).write("\u001f")),
        REDIRECT_ELSEWHERE("fetch", req -> req.response().setStatusCode(302)
                .putHeader("Location", elsewhere.base() + "/steal/heap").end()),
        CPU_PROFILER_BUSY(null, req -> req.response().setStatusCode(500)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("Could not enable CPU profiling: cpu profiling already in use\n"));

        final String stage;
        final Handler<HttpServerRequest> handler;

        Endpoint(String stage, Handler<HttpServerRequest> handler) {
            this.stage = stage;
            this.handler = handler;
        }
    }

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
    }

    @AfterAll
    static void stopPods() throws Exception {
        pod.close();
        elsewhere.close();
        app.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void startAgent() throws IOException {
        dir = Files.createTempDirectory("bad-endpoint");
        DirectoryProfileSink sink = new DirectoryProfileSink(dir.resolve("store"));
        FetchLimits limits = new FetchLimits(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2), 1024 * 1024);
        agent = AgentRuntime.start(vertx, new AgentRuntime.Settings(dir.resolve("spool"), 64L << 20, "127.0.0.1", 0, 0, limits),
                new NoUsage(), location -> sink, ProfileCollector.CaptureListener.NONE, Clock.systemUTC());
    }

    @AfterEach
    void stopAgent() {
        agent.close();
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void countsTheFailureStoresNothingOfTheBrokenPodAndKeepsProfilingTheOthers(Endpoint endpoint) throws Exception {
        List<ProfileType> types = endpoint == Endpoint.CPU_PROFILER_BUSY ? List.of(ProfileType.CPU) : List.of(ProfileType.HEAP);
        URI badBase = endpoint == Endpoint.CONNECTION_REFUSED ? closedPort() : pod.base();
        agent.apply(List.of(
                target(GOOD, app.baseUrl(), "/debug/pprof", List.of(ProfileType.HEAP, ProfileType.GOROUTINE)),
                target(BAD, badBase, "/" + endpoint.name(), types)));

        if (endpoint.stage != null) {
            Await.until(Duration.ofSeconds(30), "an error at stage " + endpoint.stage,
                    () -> metric("profiling_errors_total{stage=\"" + endpoint.stage + "\"}") >= 1);
        } else {
            Await.until(Duration.ofSeconds(30), "a skipped capture",
                    () -> metric("profiling_captures_skipped_total{reason=\"cpu-profiler-busy\"}") >= 1);
            assertThat(Scrape.sum(agent.metrics().scrape(), "profiling_errors_total", "")).isZero();
            assertThat(pod.requests(endpoint.name())).as("one try and one retry per capture").isEven();
        }
        Await.until(Duration.ofSeconds(30), "two captures of the healthy pod", () -> stored(GOOD).size() >= 4);

        assertThat(stored(BAD)).isEmpty();
        assertThat(Scrape.sum(agent.metrics().scrape(), "profiling_errors_total", "stage=\"upload\"")).isZero();
        if (endpoint == Endpoint.REDIRECT_ELSEWHERE) {
            assertThat(elsewhere.totalRequests()).as("redirects are not followed").isZero();
        }
    }

    private double metric(String series) {
        return Scrape.value(agent.metrics().scrape(), series);
    }

    private List<Path> stored(PodRef which) {
        Path store = dir.resolve("store");
        if (!Files.isDirectory(store)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(store)) {
            return files.filter(p -> p.getFileName().toString().contains(which.name())).toList();
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
    private static final class NoUsage implements UsageSource {
        @Override
        public CompletableFuture<UsageSnapshot> sample() {
            return CompletableFuture.completedFuture(new UsageSnapshot(Instant.now(), Map.of()));
        }

        @Override
        public String describe() {
            return "nothing";
        }
    }
}
