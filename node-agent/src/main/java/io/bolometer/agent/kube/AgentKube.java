package io.bolometer.agent.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;

/**
 * The agent's access to the API server, and the only code of the agent that names the Kubernetes client: the
 * watch of its node's assignment ({@link AssignmentWatch}) and the status writes ({@link StatusPatchWriter}).
 */
public record AgentKube(KubernetesClient client, boolean closesClient) implements AutoCloseable {

    /**
     * The API server found the fabric8 way (in-cluster service account, else {@code KUBECONFIG} or
     * {@code ~/.kube/config}) over the agent's own Vert.x; closed with this object.
     */
    public static AgentKube connect(Vertx vertx) {
        return new AgentKube(new KubernetesClientBuilder().withHttpClientFactory(new Vertx5HttpClientFactory(vertx))
                .build(), true);
    }

    /** The caller's client (tests); the caller keeps and closes it. */
    public static AgentKube using(KubernetesClient client) {
        return new AgentKube(client, false);
    }

    /** A watch of {@code ProfilingAssignment/<node>} only; started by the caller. */
    public AssignmentWatch watch(String node, AssignmentWatch.Listener listener) {
        return new AssignmentWatch(client, node, listener);
    }

    public StatusPatchWriter statusWriter() {
        return new StatusPatchWriter(client);
    }

    @Override
    public void close() {
        if (closesClient) {
            client.close();
        }
    }
}
