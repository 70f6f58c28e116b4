package io.bolometer.agent.targets;

/** Identifies a pod (or, in standalone mode, a process playing one) by namespace and name. */
public record PodRef(String namespace, String name) {
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
