package io.bolometer.agent.targets;

import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.BaselineSettings;
import io.bolometer.model.v1alpha1.OnDemand;
import io.bolometer.model.v1alpha1.ProfilingConfigSpec;
import io.bolometer.model.v1alpha1.Thresholds;
import java.time.Duration;
import java.util.List;

/**
 * A config's effective settings for one target, with every default applied.
 *
 * @param baseline whether short baseline profiles (kept on the node, never stored) run every
 *     {@code baselineInterval}
 */
public record TargetSettings(int cpuThresholdPercent, int memoryThresholdPercent, Duration checkInterval,
                             Duration cooldown, boolean periodic, Duration periodicInterval,
                             List<ProfileType> profileTypes, int cpuProfileSeconds, boolean baseline,
                             Duration baselineInterval) {

    public TargetSettings {
        profileTypes = List.copyOf(profileTypes);
    }

    /** Settings without baseline profiles. */
    public TargetSettings(int cpuThresholdPercent, int memoryThresholdPercent, Duration checkInterval,
                          Duration cooldown, boolean periodic, Duration periodicInterval,
                          List<ProfileType> profileTypes, int cpuProfileSeconds) {
        this(cpuThresholdPercent, memoryThresholdPercent, checkInterval, cooldown, periodic, periodicInterval,
                profileTypes, cpuProfileSeconds, false,
                Duration.ofMinutes(BaselineSettings.DEFAULT_INTERVAL_MINUTES));
    }

    /** Applies the spec's defaults (the one place where they live is the spec types). */
    public static TargetSettings from(ProfilingConfigSpec spec) {
        Thresholds thresholds = spec.thresholdsOrDefault();
        OnDemand onDemand = spec.onDemandOrDefault();
        BaselineSettings baseline = spec.baselineOrDefault();
        return new TargetSettings(
                thresholds.cpuPercentOrDefault(),
                thresholds.memoryPercentOrDefault(),
                Duration.ofSeconds(thresholds.checkIntervalOrDefault()),
                Duration.ofSeconds(thresholds.cooldownOrDefault()),
                onDemand.enabledOrDefault(),
                Duration.ofSeconds(onDemand.intervalOrDefault()),
                spec.profileTypesOrDefault(),
                spec.cpuProfileSecondsOrDefault(),
                baseline.enabledOrDefault(),
                Duration.ofMinutes(baseline.intervalOrDefault()));
    }
}
