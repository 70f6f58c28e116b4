package io.bolometer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bolometer.agent.AgentRuntime;
import io.bolometer.agent.standalone.StandaloneAgent;
import io.bolometer.agent.testing.Await;
import io.bolometer.agent.testing.GoToolchain;
import io.bolometer.agent.testing.SampleApp;
import io.bolometer.agent.testing.Scrape;
import io.bolometer.coordinator.Coordinator;
import io.bolometer.coordinator.CoordinatorSettings;
import io.bolometer.coordinator.kube.LeaderElection;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.vertx.core.Vertx;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard against a real Prometheus (Debian's package) scraping a running agent and coordinator:
 * every panel's query parses and, once the agent has captured, returns data.
 */
@EnableKubernetesMockClient(crud = true)
class DashboardPrometheusIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
    KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void everyPanelQueryParsesAndReturnsDataFromARunningAgent() throws Exception {
        Path prometheus = prometheusBinary();
        Vertx vertx = Vertx.vertx();
        List<AutoCloseable> running = new ArrayList<>();
        try (SampleApp app = SampleApp.start("127.0.0.81")) {
            AgentRuntime agent = StandaloneAgent.start(vertx, Files.writeString(dir.resolve("agent.yaml"), """
                    store: {directory: ./profiles}
                    spool: ./spool
                    metricsPort: 0
                    healthPort: 0
                    config:
                      thresholds: {cpuThresholdPercent: 1, checkIntervalSeconds: 1, cooldownSeconds: 0}
                      onDemand: {enabled: true, intervalSeconds: 2}
                      profileTypes: [heap, goroutine]
                    targets:
                      - {name: sample-app-1, url: '%s', pid: %d, cpuLimitCores: 1.0, memoryLimitBytes: 1073741824}
                    """.formatted(app.baseUrl(), app.pid())), Path.of("/proc"), Clock.systemUTC());
            running.add(agent);
            Coordinator coordinator = Coordinator.start(client, new CoordinatorSettings("c-0", "bolometer-system",
                    "lease", "127.0.0.1", 0, 0, List.of(), List.of(),
                    new LeaderElection.Timing(Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(1)),
                    Duration.ofSeconds(1)));
            running.add(coordinator);
            int port = freePort();
            Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                    global: {scrape_interval: 1s, evaluation_interval: 1s}
                    scrape_configs:
                      - job_name: bolometer-agent
                        static_configs: [{targets: ['127.0.0.1:%d'], labels: {node: node-a}}]
                      - job_name: bolometer-coordinator
                        static_configs: [{targets: ['127.0.0.1:%d'], labels: {node: node-b}}]
                    """.formatted(agent.metricsPort(), coordinator.metricsPort()));
            Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            running.add(() -> {
                server.destroy();
                server.waitFor(10, TimeUnit.SECONDS);
            });
            URI base = URI.create("http://127.0.0.1:" + port);

            Await.until(Duration.ofSeconds(30), "the agent to capture and upload",
                    () -> Scrape.sum(agent.metrics().scrape(), "profiling_uploads_total", "") >= 4);
            Await.until(Duration.ofSeconds(30), "Prometheus to have scraped both for a while",
                    () -> query(base, "count_over_time(up{job=~\"bolometer-.*\"}[1m])").path("data").path("result").size() == 2
                            && query(base, "min(count_over_time(up[1m]))").path("data").path("result").path(0)
                            .path("value").path(1).asDouble() >= 8);

            JsonNode dashboard = new ObjectMapper().readTree(GoToolchain.repoRoot()
                    .resolve("helm/bolometer/dashboards/bolometer.json").toFile());
            int queries = 0;
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText().replace("$__rate_interval", "30s").replace("$node", ".*");
                    JsonNode answer = query(base, expr);
                    assertThat(answer.path("status").asText()).as("%s parses: %s", panel.path("title"), answer).isEqualTo("success");
                    assertThat(answer.path("data").path("result").size()).as("%s returns data: %s", panel.path("title"), expr)
                            .isPositive();
                    queries++;
                }
            }
            assertThat(queries).isGreaterThanOrEqualTo(15);
        } finally {
            for (AutoCloseable c : running) {
                c.close();
            }
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static JsonNode query(URI base, String promql) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            return new ObjectMapper().createObjectNode().put("status", "unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
