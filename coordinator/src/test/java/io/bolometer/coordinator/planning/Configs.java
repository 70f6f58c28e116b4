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
import java.util.ArrayList;
import java.util.List;

/** Builds {@link ProfilingConfig}s for scenarios: {@code Configs.in("shop", "checkout").labels("app", "checkout").build()}. */
final class Configs {
    static final String COORDINATOR_NAMESPACE = "bolometer-system";
    static final PlannerSettings SETTINGS = new PlannerSettings(COORDINATOR_NAMESPACE, List.of(), List.of());

    private final ProfilingConfig config = new ProfilingConfig();
    private final ProfilingConfigSpec spec = new ProfilingConfigSpec();
    private final Selector selector = new Selector();

    private Configs(String namespace, String name) {
        config.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).withGeneration(1L).build());
        spec.setS3Config(new S3Config("profiles-bucket", null, "us-east-1", null, null));
        spec.setSelector(selector);
        config.setSpec(spec);
    }

    /** A config with an S3 bucket and no other settings, selecting every annotated pod it may. */
    static Configs in(String namespace, String name) {
        return new Configs(namespace, name);
    }

    Configs namespace(String namespace) {
        selector.setNamespace(namespace);
        return this;
    }

    Configs labels(String... keysAndValues) {
        selector.setLabelSelector(Pods.pairs(keysAndValues));
        return this;
    }

    Configs expression(String key, LabelSelectorRequirement.Operator operator, String... values) {
        if (selector.getMatchExpressions() == null) {
            selector.setMatchExpressions(new ArrayList<>());
        }
        selector.getMatchExpressions().add(new LabelSelectorRequirement(key, operator,
                values.length == 0 ? null : List.of(values)));
        return this;
    }

    Configs thresholds(Integer cpu, Integer memory, Integer checkInterval, Integer cooldown) {
        spec.setThresholds(new Thresholds(cpu, memory, checkInterval, cooldown));
        return this;
    }

    Configs onDemand(boolean enabled, Integer intervalSeconds) {
        spec.setOnDemand(new OnDemand(enabled, intervalSeconds));
        return this;
    }

    Configs cpuProfileSeconds(Integer seconds) {
        spec.setCpuProfileSeconds(seconds);
        return this;
    }

    Configs profileTypes(ProfileType... types) {
        spec.setProfileTypes(new ArrayList<>(List.of(types)));
        return this;
    }

    Configs s3(S3Config s3) {
        spec.setS3Config(s3);
        return this;
    }

    Configs generation(long generation) {
        config.getMetadata().setGeneration(generation);
        return this;
    }

    ProfilingConfig build() {
        return config;
    }
}
