package io.bolometer.coordinator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** {@code /metrics} on the metrics port; {@code /healthz} and {@code /readyz} on the health port (JDK server, 1 thread). */
public final class HealthAndMetricsServer implements AutoCloseable {
    private final HttpServer metrics;
    private final HttpServer health;

    public HealthAndMetricsServer(String host, int metricsPort, int healthPort, Supplier<String> scrape,
                                  BooleanSupplier ready) throws IOException {
        this(host, metricsPort, healthPort, scrape, ready, java.util.List::of);
    }

    /** @param problems why the process is wedged (empty when healthy): {@code /healthz} answers 503 with them */
    public HealthAndMetricsServer(String host, int metricsPort, int healthPort, Supplier<String> scrape,
                                  BooleanSupplier ready, Supplier<java.util.List<String>> problems) throws IOException {
        metrics = HttpServer.create(new InetSocketAddress(host, metricsPort), 16);
        metrics.createContext("/metrics", ex -> answer(ex, 200, scrape.get(), "text/plain; version=0.0.4; charset=utf-8"));
        health = HttpServer.create(new InetSocketAddress(host, healthPort), 16);
        health.createContext("/healthz", ex -> {
            java.util.List<String> wrong = problems.get();
            answer(ex, wrong.isEmpty() ? 200 : 503, wrong.isEmpty() ? "ok\n" : String.join("\n", wrong) + "\n", "text/plain");
        });
        health.createContext("/readyz", ex -> {
            boolean ok = ready.getAsBoolean();
            answer(ex, ok ? 200 : 503, ok ? "ok\n" : "not ready\n", "text/plain");
        });
        for (HttpServer server : new HttpServer[] {metrics, health}) {
            server.setExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, "bolometer-http");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
        }
    }

    public int metricsPort() {
        return metrics.getAddress().getPort();
    }

    public int healthPort() {
        return health.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String body, String type) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        metrics.stop(0);
        health.stop(0);
    }
}
