package io.bolometer.agent.kube;

import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.concurrent.CompletableFuture;

/**
 * One informer on this node's {@code ProfilingAssignment} (field selector {@code metadata.name}): the API server sees
 * one watch per agent, whatever the number of pods. Every add, update and delete calls the listener, which reads
 * {@link #current()}.
 */
public final class AssignmentWatch implements AutoCloseable {

    /** What the watch reports. */
    public interface Listener {
        /** The assignment changed (or appeared, or went); read {@link AssignmentWatch#current()}. */
        void changed();

        /** The watch failed and is being retried. */
        void failed(Throwable error);
    }

    private final String node;
    private final SharedIndexInformer<ProfilingAssignment> informer;

    AssignmentWatch(KubernetesClient client, String node, Listener listener) {
        this.node = node;
        this.informer = client.resources(ProfilingAssignment.class).withName(node).runnableInformer(0);
        informer.exceptionHandler((started, error) -> {
            listener.failed(error);
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ProfilingAssignment assignment) {
                listener.changed();
            }

            @Override
            public void onUpdate(ProfilingAssignment previous, ProfilingAssignment current) {
                listener.changed();
            }

            @Override
            public void onDelete(ProfilingAssignment assignment, boolean finalStateUnknown) {
                listener.changed();
            }
        });
    }

    /** Starts watching; completes once the first list synced (or fails when the watch cannot start). */
    public CompletableFuture<Void> start() {
        return informer.start().toCompletableFuture();
    }

    /** The assignment as the watch holds it now; null when there is none. */
    public ProfilingAssignment current() {
        return informer.getStore().list().stream().filter(a -> node.equals(a.getMetadata().getName())).findFirst()
                .orElse(null);
    }

    @Override
    public void close() {
        informer.close();
    }
}
