package io.bolometer.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A kubelet stand-in: a real HTTPS server on 127.0.0.1 with a self-signed certificate that serves
 * {@code /stats/summary} to requests bearing the expected token, and can be told to misbehave.
 *
 * <p>The certificate ({@link LoopbackCertificate}) names 127.0.0.1 in its subjectAltName, so clients trusting
 * {@link #caCertPath()} can keep host name verification on.
 */
public final class FakeKubelet implements AutoCloseable {

    private static final Duration START_STOP_LIMIT = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final String host;
    private final LoopbackCertificate certificate;
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger summaryRequests = new AtomicInteger();
    private volatile String token;
    private volatile Supplier<String> summary = () -> SummaryJson.node("fake-node").build();
    private volatile int forcedStatus;
    private volatile String forcedBody = "";
    private volatile Duration delay = Duration.ZERO;
    private volatile String lastQuery;

    private FakeKubelet(Vertx vertx, String host, String token, LoopbackCertificate certificate, HttpServer server) {
        this.vertx = vertx;
        this.host = host;
        this.token = token;
        this.certificate = certificate;
        this.server = server;
    }

    /** Starts a fake kubelet on 127.0.0.1 that accepts {@code token}; blocks at most ten seconds. */
    public static FakeKubelet start(Vertx vertx, String token) {
        return start(vertx, token, "127.0.0.1");
    }

    /**
     * Starts one on another loopback address, e.g. {@code 127.0.0.2}, which its certificate does not name: for
     * checking that clients verify host names.
     */
    public static FakeKubelet start(Vertx vertx, String token, String loopbackAddress) {
        if (!loopbackAddress.startsWith("127.")) {
            throw new IllegalArgumentException("fake kubelets listen on loopback only, not " + loopbackAddress);
        }
        LoopbackCertificate certificate = LoopbackCertificate.shared();
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                .setHost(loopbackAddress)
                .setPort(0)
                .setSsl(true)
                .setKeyCertOptions(certificate.keyCertOptions()));
        FakeKubelet kubelet = new FakeKubelet(vertx, loopbackAddress, token, certificate, server);
        server.requestHandler(kubelet::handle);
        await(server.listen());
        return kubelet;
    }

    private void handle(HttpServerRequest request) {
        requests.incrementAndGet();
        String expected = "Bearer " + token;
        if (!expected.equals(request.getHeader("Authorization"))) {
            request.response().setStatusCode(401).end("Unauthorized");
            return;
        }
        if (!"/stats/summary".equals(request.path())) {
            request.response().setStatusCode(404).end("404 page not found");
            return;
        }
        summaryRequests.incrementAndGet();
        lastQuery = request.query();
        Duration wait = delay;
        if (wait.isZero()) {
            answer(request);
        } else {
            vertx.setTimer(wait.toMillis(), id -> answer(request));
        }
    }

    private void answer(HttpServerRequest request) {
        if (request.response().closed()) {
            return;
        }
        int status = forcedStatus;
        if (status != 0) {
            request.response().setStatusCode(status).end(forcedBody);
            return;
        }
        request.response().putHeader("Content-Type", "application/json").end(summary.get());
    }

    /** Serves this JSON from now on. */
    public FakeKubelet serve(String json) {
        Objects.requireNonNull(json, "json");
        return serve(() -> json);
    }

    /** Serves whatever the supplier returns at each request, so cumulative counters can advance between calls. */
    public FakeKubelet serve(Supplier<String> json) {
        this.summary = Objects.requireNonNull(json, "json");
        this.forcedStatus = 0;
        return this;
    }

    /** Answers every authorised summary request with this status and body instead of the summary. */
    public FakeKubelet answerWith(int status, String body) {
        this.forcedBody = body;
        this.forcedStatus = status;
        return this;
    }

    /** Answers 200 with a body that is not JSON. */
    public FakeKubelet answerWithGarbage() {
        return serve("<html><body>502 Bad Gateway</body></html>\u0000\u0001{{");
    }

    /** Holds every authorised answer back this long (a timer, no thread sleeps). */
    public FakeKubelet delayAnswers(Duration delay) {
        this.delay = Objects.requireNonNull(delay, "delay");
        return this;
    }

    /** Accepts only this token from now on, as after a rotation. */
    public FakeKubelet acceptOnly(String token) {
        this.token = token;
        return this;
    }

    public URI uri() {
        return URI.create("https://" + host + ":" + server.actualPort());
    }

    /** The PEM certificate of this server, for clients to trust as their CA. */
    public Path caCertPath() {
        return certificate.certificatePem();
    }

    /** Every request received, authorised or not. */
    public int requestCount() {
        return requests.get();
    }

    /** Authorised requests for {@code /stats/summary}. */
    public int summaryRequestCount() {
        return summaryRequests.get();
    }

    public String lastQuery() {
        return lastQuery;
    }

    /** Stops listening: clients then get connection refused. */
    public void stop() {
        await(server.close());
    }

    @Override
    public void close() {
        stop();
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture()
                    .get(START_STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fake kubelet did not start or stop in time", e);
        }
    }
}
