package io.bolometer.agent.testing;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server playing a pod's pprof endpoint; each scenario claims a first path segment
 * ({@code /busy-once/...}) and the server counts the requests each one saw.
 */
public final class FakePprofServer implements AutoCloseable {

    private final HttpServer server;
    private final String host;
    private final Map<String, Handler<HttpServerRequest>> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    private FakePprofServer(Vertx vertx, String host) {
        this.host = host;
        this.server = vertx.createHttpServer().requestHandler(this::dispatch);
    }

    /** Starts on {@code host} (a 127.0.0.0/8 address) and a free port; blocks the test thread until listening. */
    public static FakePprofServer start(Vertx vertx, String host) throws Exception {
        if (!host.startsWith("127.")) {
            throw new IllegalArgumentException("tests listen on loopback only: " + host);
        }
        FakePprofServer fake = new FakePprofServer(vertx, host);
        fake.server.listen(0, host).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return fake;
    }

    /** Serves every request whose path starts with {@code /<segment>/} with {@code handler}. */
    public FakePprofServer route(String segment, Handler<HttpServerRequest> handler) {
        routes.put(segment, handler);
        return this;
    }

    /** A handler that streams zero bytes in chunks, never ending, until the client hangs up. */
    public static Handler<HttpServerRequest> endlessBody(Vertx vertx) {
        return req -> {
            HttpServerResponse response = req.response().setChunked(true);
            Buffer chunk = Buffer.buffer(new byte[1024]);
            long timer = vertx.setPeriodic(1, id -> {
                if (!response.writeQueueFull()) {
                    response.write(chunk);
                }
            });
            req.connection().closeHandler(v -> vertx.cancelTimer(timer));
        };
    }

    public URI base() {
        return URI.create("http://" + host + ":" + server.actualPort());
    }

    public int port() {
        return server.actualPort();
    }

    public int requests(String segment) {
        return counts.getOrDefault(segment, new AtomicInteger()).get();
    }

    public int totalRequests() {
        return total.get();
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void dispatch(HttpServerRequest request) {
        total.incrementAndGet();
        String path = request.path();
        int slash = path.indexOf('/', 1);
        String segment = slash < 0 ? path.substring(1) : path.substring(1, slash);
        counts.computeIfAbsent(segment, s -> new AtomicInteger()).incrementAndGet();
        Handler<HttpServerRequest> handler = routes.get(segment);
        if (handler == null) {
            // what Go's ServeMux answers for an unregistered path
            request.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("404 page not found\n");
        } else {
            handler.handle(request);
        }
    }
}
