package io.bolometer.coordinator;

import io.bolometer.model.LogFormat;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of {@code bolometer-coordinator.jar}: finds the API server the fabric8 way and runs until SIGTERM. */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        LogFormat.problem(System.getenv()).ifPresent(problem -> {
            System.err.println(problem);
            System.exit(2);
        });
        CoordinatorSettings settings = CoordinatorSettings.fromEnvironment(System.getenv());
        settings.log(LOG);
        KubernetesClient client = new KubernetesClientBuilder().withHttpClientFactory(new Vertx5HttpClientFactory()).build();
        Coordinator coordinator = Coordinator.start(client, settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Shutting down: releasing the lease and stopping the watches");
            coordinator.close();
            client.close();
            stopped.countDown();
        }, "bolometer-shutdown"));
        stopped.await();
    }
}
