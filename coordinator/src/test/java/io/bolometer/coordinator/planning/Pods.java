package io.bolometer.coordinator.planning;

import io.bolometer.model.PodAnnotations;
import java.util.HashMap;
import java.util.Map;

/** Builds {@link PodInfo}s for scenarios: {@code Pods.running("shop", "checkout-0").labels("app", "checkout").on("node-a")}. */
final class Pods {
    private String namespace;
    private String name;
    private String uid;
    private final Map<String, String> labels = new HashMap<>();
    private final Map<String, String> annotations = new HashMap<>(Map.of(PodAnnotations.ENABLED, "true"));
    private String phase = "Running";
    private String podIP = "10.0.0.1";
    private String nodeName = "node-a";
    private boolean terminating;
    private String ownerKind;
    private String ownerName;
    private double cpuLimit;
    private double cpuRequest;
    private long memoryLimit;
    private long memoryRequest;
    private boolean hostNetwork;

    private Pods() {
    }

    /** A running, annotated pod with an IP on {@code node-a}. */
    static Pods running(String namespace, String name) {
        Pods pods = new Pods();
        pods.namespace = namespace;
        pods.name = name;
        pods.uid = "uid-" + namespace + "-" + name;
        return pods;
    }

    Pods labels(String... keysAndValues) {
        labels.putAll(pairs(keysAndValues));
        return this;
    }

    Pods annotations(String... keysAndValues) {
        annotations.putAll(pairs(keysAndValues));
        return this;
    }

    Pods withoutAnnotation(String key) {
        annotations.remove(key);
        return this;
    }

    Pods on(String node) {
        this.nodeName = node;
        return this;
    }

    Pods ip(String ip) {
        this.podIP = ip;
        return this;
    }

    Pods phase(String phase) {
        this.phase = phase;
        return this;
    }

    Pods terminating() {
        this.terminating = true;
        return this;
    }

    Pods ownedBy(String kind, String name) {
        this.ownerKind = kind;
        this.ownerName = name;
        return this;
    }

    Pods cpu(double limitCores, double requestCores) {
        this.cpuLimit = limitCores;
        this.cpuRequest = requestCores;
        return this;
    }

    Pods memory(long limitBytes, long requestBytes) {
        this.memoryLimit = limitBytes;
        this.memoryRequest = requestBytes;
        return this;
    }

    Pods hostNetwork() {
        this.hostNetwork = true;
        return this;
    }

    PodInfo build() {
        return new PodInfo(namespace, name, uid, labels, annotations, phase, podIP, nodeName, terminating, ownerKind,
                ownerName, cpuLimit, cpuRequest, memoryLimit, memoryRequest, hostNetwork);
    }

    static Map<String, String> pairs(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs");
        }
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
