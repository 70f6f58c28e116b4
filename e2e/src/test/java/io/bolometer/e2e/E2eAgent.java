package io.bolometer.e2e;

import io.bolometer.agent.kube.AgentKube;
import io.bolometer.agent.cluster.ClusterAgent;
import io.bolometer.agent.cluster.ClusterSettings;
import io.bolometer.agent.kubelet.KubeletSettings;
import io.bolometer.agent.kubelet.KubeletSummaryClient;
import io.bolometer.testing.FakeKubelet;
import io.bolometer.agent.upload.ProfileSink;
import io.bolometer.agent.store.StoreLocation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An in-process node agent on loopback with its own fake kubelet (TLS + bearer token) serving {@code summary};
 * closing it stops the agent, then the kubelet.
 */
record E2eAgent(FakeKubelet kubelet, ClusterAgent agent) implements AutoCloseable {
    private static final String KUBELET_TOKEN = "e2e-kubelet-token";

    static E2eAgent start(Vertx vertx, Path dir, String node, KubernetesClient client, Supplier<String> summary,
                          Function<StoreLocation, ProfileSink> sinks) throws IOException {
        FakeKubelet kubelet = FakeKubelet.start(vertx, KUBELET_TOKEN).serve(summary);
        try {
            Path tokenFile = Files.writeString(dir.resolve(node + "-token"), KUBELET_TOKEN);
            KubeletSettings kubeletSettings = new KubeletSettings(kubelet.uri(), tokenFile, kubelet.caCertPath(),
                    false, Duration.ofSeconds(5));
            ClusterSettings settings = new ClusterSettings(node, "127.0.0.1", kubeletSettings,
                    dir.resolve(node + "-spool"), 64L << 20, "127.0.0.1", 0, 0, Duration.ofSeconds(1));
            return new E2eAgent(kubelet, ClusterAgent.start(vertx, settings, AgentKube.using(client),
                    new KubeletSummaryClient(vertx, kubeletSettings, Clock.systemUTC()), sinks, Clock.systemUTC()));
        } catch (IOException | RuntimeException e) {
            kubelet.close();
            throw e;
        }
    }

    /** Creates {@code pod} and reports it Running with {@code ip} through the status subresource, as a kubelet would. */
    static Pod createRunning(KubernetesClient admin, Pod pod, String ip) {
        Pod created = admin.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
        created.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP(ip).withHostIP("127.0.0.1").build());
        return admin.pods().inNamespace(created.getMetadata().getNamespace()).resource(created).updateStatus();
    }

    @Override
    public void close() {
        agent.close();
        kubelet.close();
    }
}
