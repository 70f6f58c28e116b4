package io.bolometer.coordinator.testing;

import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/** The cluster the leader-election tests start from: a config in {@code shop} selecting {@code app=checkout}. */
public final class LeaderScenario {

    private LeaderScenario() {
    }

    /**
     * Installs the CRDs on {@code api} and creates namespaces {@code shop} and {@code bolometer-system}, the config,
     * and pod {@code a} running on node-a; returns {@code api}'s admin client.
     */
    public static KubernetesClient seed(RealApiServer api) {
        KubernetesClient admin = api.client();
        api.installCrds();
        for (String ns : List.of("shop", "bolometer-system")) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                    .create();
        }
        admin.resources(ProfilingConfig.class).inNamespace("shop").resource(admin.getKubernetesSerialization()
                .unmarshal("""
                        apiVersion: profiling.io/v1alpha1
                        kind: ProfilingConfig
                        metadata: {name: checkout, namespace: shop}
                        spec:
                          selector: {labelSelector: {app: checkout}}
                          s3Config: {bucket: profiles}
                        """, ProfilingConfig.class)).create();
        runningPod(admin, "a", "node-a", "10.0.0.1");
        return admin;
    }

    /** An opted-in {@code app=checkout} pod in {@code shop}, Running on {@code node} with {@code ip}. */
    public static void runningPod(KubernetesClient admin, String name, String node, String ip) {
        Pod pod = admin.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName(name)
                .addToLabels("app", "checkout").addToAnnotations("profiling.io/enabled", "true").endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("app").withImage("app").endContainer()
                .endSpec().build()).create();
        pod.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP(ip).build());
        admin.pods().inNamespace("shop").resource(pod).updateStatus();
    }
}
