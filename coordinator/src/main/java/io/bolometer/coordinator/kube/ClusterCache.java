package io.bolometer.coordinator.kube;

import io.bolometer.coordinator.planning.NodeInfo;
import io.bolometer.coordinator.planning.PodInfo;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches ProfilingConfigs, Pods, Nodes and ProfilingAssignments and keeps what reconciling needs: configs and
 * assignments as objects, pods and nodes reduced to {@link PodInfo} and {@link NodeInfo}. Calls {@code changed}
 * only when something the planner reads changed, so a pod's status heartbeat does not cause a reconcile.
 */
public final class ClusterCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterCache.class);
    private final KubernetesClient client;
    private final Runnable changed;
    private final Runnable statusChanged;
    private final Map<String, PodInfo> pods = new ConcurrentHashMap<>();
    private final Map<String, NodeInfo> nodes = new ConcurrentHashMap<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private SharedIndexInformer<ProfilingConfig> configInformer;
    private SharedIndexInformer<ProfilingAssignment> assignmentInformer;

    public ClusterCache(KubernetesClient client, Runnable changed) {
        this(client, changed, changed);
    }

    /**
     * @param changed what the planner reads changed (a spec, a pod, a node)
     * @param statusChanged only a config's or an assignment's status changed (the agents' status writes and this
     *     coordinator's own): folded into config status, but not a change to plan for
     */
    public ClusterCache(KubernetesClient client, Runnable changed, Runnable statusChanged) {
        this.client = client;
        this.changed = changed;
        this.statusChanged = statusChanged;
    }

    /**
     * Starts every informer; {@link #synced()} tells when all have listed once, and {@code changed} runs then too: a
     * reconcile asked for by an earlier event was skipped while some informer had not listed yet.
     */
    public void start() {
        configInformer = client.resources(ProfilingConfig.class).inAnyNamespace().runnableInformer(0);
        configInformer.addEventHandler(objects());
        assignmentInformer = client.resources(ProfilingAssignment.class).runnableInformer(0);
        assignmentInformer.addEventHandler(objects());
        // The informer's own store keeps only keys (fabric8's ReducedStateItemStore); the one copy of a pod's
        // planner-relevant state is its PodInfo below, so 150,000 pods cost PodInfos, not full Pod objects.
        SharedIndexInformer<Pod> podInformer = client.pods().inAnyNamespace().runnableInformer(0)
                .itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Pod.class,
                        client.getKubernetesSerialization(), "metadata.uid"));
        podInformer.addEventHandler(reduced(pods, PodInfos::from,
                p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()));
        SharedIndexInformer<Node> nodeInformer = client.nodes().runnableInformer(0);
        nodeInformer.addEventHandler(reduced(nodes, PodInfos::from, n -> n.getMetadata().getName()));
        informers.addAll(List.of(configInformer, assignmentInformer, podInformer, nodeInformer));
        // Started together, so the four initial lists overlap instead of running one after the other.
        CompletableFuture.allOf(informers.stream().map(i -> i.start().toCompletableFuture())
                .toArray(CompletableFuture[]::new)).whenComplete((done, error) -> {
                    if (error == null) {
                        changed.run();
                    } else {
                        LOG.error("Cannot list and watch configs, assignments, pods and nodes ({}); not ready", error.toString());
                    }
                });
    }

    /** False once an informer stopped (a watch that could not be re-established): the cache no longer follows. */
    public boolean alive() {
        return informers.stream().allMatch(SharedIndexInformer::isRunning);
    }

    public boolean synced() {
        return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    public List<ProfilingConfig> configs() {
        return List.copyOf(configInformer.getStore().list());
    }

    public List<ProfilingAssignment> assignments() {
        return List.copyOf(assignmentInformer.getStore().list());
    }

    public Collection<PodInfo> pods() {
        return List.copyOf(pods.values());
    }

    public Map<String, NodeInfo> nodes() {
        return Map.copyOf(nodes);
    }

    private <T extends HasMetadata> ResourceEventHandler<T> objects() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                changed.run();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                if (Objects.equals(oldObj.getMetadata().getResourceVersion(), newObj.getMetadata().getResourceVersion())) {
                    return;
                }
                Long generation = newObj.getMetadata().getGeneration();
                if (generation != null && generation.equals(oldObj.getMetadata().getGeneration())) {
                    statusChanged.run(); // the status subresource does not bump the generation
                } else {
                    changed.run();
                }
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                changed.run();
            }
        };
    }

    private <T extends HasMetadata, R> ResourceEventHandler<T> reduced(Map<String, R> into, Function<T, R> reduce,
                                                                       Function<T, String> key) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                put(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                put(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                if (into.remove(key.apply(obj)) != null) {
                    changed.run();
                }
            }

            private void put(T obj) {
                R next = reduce.apply(obj);
                if (!next.equals(into.put(key.apply(obj), next))) {
                    changed.run();
                }
            }
        };
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
