package io.bolometer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bolometer.testing.Await;
import io.bolometer.agent.testing.GoToolchain;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's package, {@code scripts/ensure-prometheus.sh}) on loopback scraping the given agent and
 * coordinator targets every second, and the check that every query of every panel of the chart's Grafana dashboard
 * parses and returns data.
 */
final class DashboardCheck implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One scrape target, with the {@code node} label the chart's monitors add. */
    record Target(String job, String address, String node) {
    }

    private final Process server;
    private final URI base;
    private final int jobs;

    private DashboardCheck(Process server, URI base, int jobs) {
        this.server = server;
        this.base = base;
        this.jobs = jobs;
    }

    static DashboardCheck start(Path dir, List<Target> targets) throws Exception {
        Path prometheus = prometheusBinary();
        int port = freePort();
        StringBuilder config = new StringBuilder("global: {scrape_interval: 1s, evaluation_interval: 1s}\nscrape_configs:\n");
        for (Target target : targets) {
            config.append("  - job_name: ").append(target.job()).append('\n')
                    .append("    static_configs: [{targets: ['").append(target.address()).append("'], labels: {node: ")
                    .append(target.node()).append("}}]\n");
        }
        Path file = Files.writeString(dir.resolve("prometheus.yml"), config.toString());
        Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + file,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        return new DashboardCheck(server, URI.create("http://127.0.0.1:" + port), targets.size());
    }

    /** Waits until every target has been scraped at least {@code scrapes} times in the last minute. */
    void awaitScrapes(int scrapes) {
        Await.until(Duration.ofSeconds(60), "Prometheus to have scraped every target " + scrapes + " times",
                () -> query("count_over_time(up{job=~\"bolometer-.*\"}[1m])").path("data").path("result").size() == jobs
                        && query("min(count_over_time(up{job=~\"bolometer-.*\"}[1m]))").path("data").path("result")
                        .path(0).path("value").path(1).asDouble() >= scrapes
                        && query("min(up{job=~\"bolometer-.*\"})").path("data").path("result").path(0)
                        .path("value").path(1).asDouble() == 1);
    }

    /** Runs every panel's query ({@code $node} = {@code node}); each must parse and return data. Returns the count. */
    int assertEveryPanelReturnsData(String node) throws IOException {
        JsonNode dashboard = JSON.readTree(GoToolchain.repoRoot().resolve("helm/bolometer/dashboards/bolometer.json").toFile());
        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText().replace("$__rate_interval", "30s").replace("$node", node);
                JsonNode answer = query(expr);
                assertThat(answer.path("status").asText()).as("%s parses: %s", panel.path("title"), answer).isEqualTo("success");
                assertThat(answer.path("data").path("result").size()).as("%s returns data: %s", panel.path("title"), expr)
                        .isPositive();
                queries++;
            }
        }
        return queries;
    }

    JsonNode query(String promql) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            return JSON.createObjectNode().put("status", "unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.destroy();
        server.waitFor(10, TimeUnit.SECONDS);
    }

    private static Path prometheusBinary() throws Exception {
        Process which = new ProcessBuilder("bash", GoToolchain.repoRoot().resolve("scripts/ensure-prometheus.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String path = new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(which.waitFor(600, TimeUnit.SECONDS) && which.exitValue() == 0)
                .as("a Prometheus binary (scripts/ensure-prometheus.sh)").isTrue();
        return Path.of(path);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
