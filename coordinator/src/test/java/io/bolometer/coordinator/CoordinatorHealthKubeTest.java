package io.bolometer.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.coordinator.kube.LeaderElection;
import io.bolometer.coordinator.testing.MockApiCoordinator;
import io.bolometer.testing.Await;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 14 item 7: {@code /healthz} fails when the coordinator is wedged, and says why. */
@EnableKubernetesMockClient(crud = true)
class CoordinatorHealthKubeTest {
    KubernetesClient client;
    private Coordinator coordinator;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        coordinator = Coordinator.start(client, MockApiCoordinator.settings());
        Await.until(Duration.ofSeconds(20), "the caches to sync", coordinator::ready);
    }

    @AfterEach
    void stop() {
        coordinator.close();
    }

    @Test
    void answersOkWhileEverythingRuns() throws Exception {
        assertThat(healthz().statusCode()).isEqualTo(200);
        assertThat(coordinator.problems()).isEmpty();
    }

    @Test
    void failsWhenTheInformersStopped() throws Exception {
        coordinator.stopInformersForTest();

        Await.until(Duration.ofSeconds(10), "healthz to fail", () -> status() == 503);
        assertThat(healthz().body()).contains("informers stopped");
    }

    @Test
    void failsWhenTheLeaderElectionLoopDied() throws Exception {
        coordinator.killLeaderElectionForTest();

        Await.until(Duration.ofSeconds(10), "healthz to fail", () -> status() == 503);
        assertThat(healthz().body()).contains("leader election loop has ended");
    }

    private int status() {
        try {
            return healthz().statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private HttpResponse<String> healthz() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + coordinator.healthPort() + "/healthz"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
