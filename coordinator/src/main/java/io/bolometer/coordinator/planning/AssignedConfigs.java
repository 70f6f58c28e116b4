package io.bolometer.coordinator.planning;

import io.bolometer.model.v1alpha1.AssignedConfig;
import io.bolometer.model.v1alpha1.BaselineSettings;
import io.bolometer.model.v1alpha1.OnDemand;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.ProfilingConfigSpec;
import io.bolometer.model.v1alpha1.S3Config;
import io.bolometer.model.v1alpha1.Thresholds;

/**
 * Turns a config into the settings an agent runs with, every default applied here (the one place), so agents never
 * need to know a default and two configs that mean the same thing look the same.
 */
public final class AssignedConfigs {
    private AssignedConfigs() {
    }

    /** @param settings decide the prefix of a config that sets none ({@link TenantPrefixes#defaultPrefix}) */
    public static AssignedConfig of(ProfilingConfig config, PlannerSettings settings) {
        ProfilingConfigSpec spec = config.getSpec() == null ? new ProfilingConfigSpec() : config.getSpec();
        AssignedConfig assigned = new AssignedConfig();
        assigned.setNamespace(config.getMetadata().getNamespace());
        assigned.setName(config.getMetadata().getName());
        assigned.setGeneration(config.getMetadata().getGeneration());
        Thresholds thresholds = spec.thresholdsOrDefault();
        assigned.setThresholds(new Thresholds(thresholds.cpuPercentOrDefault(), thresholds.memoryPercentOrDefault(),
                thresholds.checkIntervalOrDefault(), thresholds.cooldownOrDefault()));
        OnDemand onDemand = spec.onDemandOrDefault();
        assigned.setOnDemand(new OnDemand(onDemand.enabledOrDefault(), onDemand.intervalOrDefault()));
        S3Config s3 = spec.getS3Config() == null ? new S3Config() : spec.getS3Config();
        String prefix = s3.getPrefix() == null
                ? TenantPrefixes.defaultPrefix(config.getMetadata().getNamespace(), settings) : s3.getPrefix();
        assigned.setS3Config(new S3Config(s3.getBucket(), prefix, blankToNull(s3.getRegion()),
                blankToNull(s3.getEndpoint()), s3.forcePathStyleOrDefault(), blankToNull(s3.getExpectedBucketOwner())));
        assigned.setProfileTypes(spec.profileTypesOrDefault());
        assigned.setCpuProfileSeconds(spec.cpuProfileSecondsOrDefault());
        BaselineSettings baseline = spec.baselineOrDefault();
        if (baseline.enabledOrDefault()) {
            // only when on: assignments of configs without baselines stay exactly as they were
            assigned.setBaseline(new BaselineSettings(true, baseline.intervalOrDefault()));
        }
        return assigned;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
