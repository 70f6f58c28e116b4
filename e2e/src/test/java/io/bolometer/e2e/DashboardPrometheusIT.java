package io.bolometer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.agent.standalone.StandaloneAgent;
import io.bolometer.testing.Await;
import io.bolometer.agent.testing.SampleApp;
import io.bolometer.agent.testing.Scrape;
import io.bolometer.coordinator.Coordinator;
import io.bolometer.coordinator.CoordinatorSettings;
import io.bolometer.coordinator.kube.LeaderElection;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard against a real Prometheus (Debian's package) scraping a running agent and coordinator:
 * every panel's query parses and, once the agent has captured, returns data.
 */
@EnableKubernetesMockClient(crud = true)
class DashboardPrometheusIT {
    KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void everyPanelQueryParsesAndReturnsDataFromARunningAgent() throws Exception {
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
            DashboardCheck prometheus = DashboardCheck.start(dir, List.of(
                    new DashboardCheck.Target("bolometer-agent", "127.0.0.1:" + agent.metricsPort(), "node-a"),
                    new DashboardCheck.Target("bolometer-coordinator", "127.0.0.1:" + coordinator.metricsPort(), "node-b")));
            running.add(prometheus);

            Await.until(Duration.ofSeconds(30), "the agent to capture and upload",
                    () -> Scrape.sum(agent.metrics().scrape(), "profiling_uploads_total", "") >= 4);
            prometheus.awaitScrapes(8);
            int queries = prometheus.assertEveryPanelReturnsData(".*");
            assertThat(queries).isGreaterThanOrEqualTo(15);
        } finally {
            for (AutoCloseable c : running) {
                c.close();
            }
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
