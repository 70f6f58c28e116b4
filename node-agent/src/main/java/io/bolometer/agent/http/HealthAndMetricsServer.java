package io.bolometer.agent.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics} on the metrics port and {@code /healthz}, {@code /readyz} on the health port.
 * Port 0 picks a free port; the chosen ports are logged and returned.
 */
public final class HealthAndMetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthAndMetricsServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Vertx vertx;
    private final Supplier<String> metrics;
    private final Supplier<List<String>> problems;
    private final BooleanSupplier ready;
    private HttpServer metricsServer;
    private HttpServer healthServer;

    /** @param problems why the process is wedged (empty when healthy): {@code /healthz} answers 503 with them */
    public HealthAndMetricsServer(Vertx vertx, Supplier<String> metrics, Supplier<List<String>> problems,
                                  BooleanSupplier ready) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.problems = problems;
        this.ready = ready;
    }

    /** Binds both ports on all interfaces (the kubelet probes the pod IP); blocks until bound. */
    public void start(String host, int metricsPort, int healthPort) {
        metricsServer = listen(host, metricsPort, this::serveMetrics);
        healthServer = listen(host, healthPort, this::serveHealth);
        LOG.info("Serving /metrics on port {} and /healthz, /readyz on port {}", metricsPort(), healthPort());
    }

    public int metricsPort() {
        return metricsServer.actualPort();
    }

    public int healthPort() {
        return healthServer.actualPort();
    }

    private HttpServer listen(String host, int port, io.vertx.core.Handler<HttpServerRequest> handler) {
        Future<HttpServer> bound = vertx.createHttpServer().requestHandler(handler).listen(port, host);
        try {
            return bound.toCompletionStage().toCompletableFuture().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + rootMessage(e), e);
        }
    }

    private void serveMetrics(HttpServerRequest request) {
        if (!"/metrics".equals(request.path())) {
            request.response().setStatusCode(404).end("not found: try /metrics\n");
            return;
        }
        // Scraping formats every meter: keep it off the event loop.
        vertx.executeBlocking(metrics::get, false).onComplete(result -> {
            if (result.succeeded()) {
                request.response().putHeader("Content-Type", PROMETHEUS_TEXT).end(result.result());
            } else {
                request.response().setStatusCode(500).end("scrape failed\n");
            }
        });
    }

    private void serveHealth(HttpServerRequest request) {
        switch (request.path()) {
            case "/healthz" -> {
                List<String> wedged = problems.get();
                request.response().setStatusCode(wedged.isEmpty() ? 200 : 503)
                        .end(wedged.isEmpty() ? "ok\n" : String.join("\n", wedged) + "\n");
            }
            case "/readyz" -> answer(request, ready.getAsBoolean());
            default -> request.response().setStatusCode(404).end("not found: try /healthz or /readyz\n");
        }
    }

    private static void answer(HttpServerRequest request, boolean ok) {
        request.response().setStatusCode(ok ? 200 : 503).end(ok ? "ok\n" : "not ready\n");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Override
    public void close() {
        for (HttpServer server : new HttpServer[] {metricsServer, healthServer}) {
            if (server != null) {
                server.close();
            }
        }
    }
}
