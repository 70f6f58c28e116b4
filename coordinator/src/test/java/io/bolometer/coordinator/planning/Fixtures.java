package io.bolometer.coordinator.planning;

import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.LabelSelectorRequirement;
import io.bolometer.model.v1alpha1.OnDemand;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.ProfilingConfigSpec;
import io.bolometer.model.v1alpha1.S3Config;
import io.bolometer.model.v1alpha1.Selector;
import io.bolometer.model.v1alpha1.Thresholds;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builders for planner scenarios: annotated running pods and configs. */
final class Fixtures {
    static final PlannerSettings SETTINGS = new PlannerSettings("bolometer-system", List.of(), List.of());

    private Fixtures() {
    }

    static PodBuilder pod(String namespace, String name) {
        return new PodBuilder(namespace, name);
    }

    static ProfilingConfig config(String namespace, String name, Map<String, String> labels) {
        ProfilingConfigSpec spec = new ProfilingConfigSpec();
        spec.setSelector(new Selector(null, labels, null));
        spec.setS3Config(new S3Config("profiles-bucket", null, "us-west-2", null, null));
        ProfilingConfig config = new ProfilingConfig();
        config.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).withGeneration(3L).build());
        config.setSpec(spec);
        return config;
    }

    static ProfilingConfig withThresholds(ProfilingConfig config, Integer cpu, Integer memory, Integer check, Integer cooldown) {
        config.getSpec().setThresholds(new Thresholds(cpu, memory, check, cooldown));
        return config;
    }

    static ProfilingConfig withOnDemand(ProfilingConfig config, boolean enabled, int interval) {
        config.getSpec().setOnDemand(new OnDemand(enabled, interval));
        return config;
    }

    static ProfilingConfig withExpressions(ProfilingConfig config, LabelSelectorRequirement... requirements) {
        config.getSpec().getSelector().setMatchExpressions(List.of(requirements));
        return config;
    }

    static ProfilingConfig withTypes(ProfilingConfig config, ProfileType... types) {
        config.getSpec().setProfileTypes(List.of(types));
        return config;
    }

    /** A running, annotated pod with an IP on node-a unless told otherwise. */
    static final class PodBuilder {
        private final String namespace;
        private final String name;
        private final Map<String, String> labels = new HashMap<>();
        private final Map<String, String> annotations = new HashMap<>(Map.of("profiling.io/enabled", "true"));
        private String phase = "Running";
        private String ip = "10.0.0.1";
        private String node = "node-a";
        private boolean terminating;
        private String ownerKind;
        private String ownerName;
        private double cpuLimit;
        private double cpuRequest;
        private long memoryLimit;
        private long memoryRequest;

        PodBuilder(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
        }

        PodBuilder label(String key, String value) { labels.put(key, value); return this; }
        PodBuilder annotation(String key, String value) { annotations.put(key, value); return this; }
        PodBuilder notAnnotated() { annotations.remove("profiling.io/enabled"); return this; }
        PodBuilder phase(String phase) { this.phase = phase; return this; }
        PodBuilder ip(String ip) { this.ip = ip; return this; }
        PodBuilder on(String node) { this.node = node; return this; }
        PodBuilder terminating() { this.terminating = true; return this; }
        PodBuilder owner(String kind, String ownerName) { this.ownerKind = kind; this.ownerName = ownerName; return this; }
        PodBuilder cpu(double request, double limit) { this.cpuRequest = request; this.cpuLimit = limit; return this; }
        PodBuilder memory(long request, long limit) { this.memoryRequest = request; this.memoryLimit = limit; return this; }

        PodInfo build() {
            return new PodInfo(namespace, name, "uid-" + name, labels, annotations, phase, ip, node, terminating,
                    ownerKind, ownerName, cpuLimit, cpuRequest, memoryLimit, memoryRequest);
        }
    }
}
