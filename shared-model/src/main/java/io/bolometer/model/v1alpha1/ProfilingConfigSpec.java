package io.bolometer.model.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.bolometer.model.ProfileType;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Objects;

/** What a user asks for with a {@code ProfilingConfig}: which pods, when they count as hot, where profiles go. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProfilingConfigSpec {
    public static final List<ProfileType> DEFAULT_PROFILE_TYPES =
            List.of(ProfileType.HEAP, ProfileType.CPU, ProfileType.GOROUTINE, ProfileType.MUTEX);
    public static final int DEFAULT_CPU_PROFILE_SECONDS = 10;

    private Selector selector;
    private Thresholds thresholds;
    private OnDemand onDemand;
    @Required
    private S3Config s3Config;
    /** At most one of each type (the coordinator refuses duplicates). */
    @Size(max = 6)
    private List<ProfileType> profileTypes;
    /**
     * No schema default on purpose: the schema's 10 would conflict with a valid {@code checkIntervalSeconds: 10}.
     * Omitted, it is {@link #cpuProfileSecondsOrDefault()}.
     */
    @Min(1) @Max(60)
    private Integer cpuProfileSeconds;
    private BaselineSettings baseline;

    public ProfilingConfigSpec() {
    }

    public Selector getSelector() { return selector; }
    public void setSelector(Selector selector) { this.selector = selector; }
    public Thresholds getThresholds() { return thresholds; }
    public void setThresholds(Thresholds thresholds) { this.thresholds = thresholds; }
    public OnDemand getOnDemand() { return onDemand; }
    public void setOnDemand(OnDemand onDemand) { this.onDemand = onDemand; }
    public S3Config getS3Config() { return s3Config; }
    public void setS3Config(S3Config s3Config) { this.s3Config = s3Config; }
    public List<ProfileType> getProfileTypes() { return profileTypes; }
    public void setProfileTypes(List<ProfileType> profileTypes) { this.profileTypes = profileTypes; }
    public Integer getCpuProfileSeconds() { return cpuProfileSeconds; }
    public void setCpuProfileSeconds(Integer cpuProfileSeconds) { this.cpuProfileSeconds = cpuProfileSeconds; }
    public BaselineSettings getBaseline() { return baseline; }
    public void setBaseline(BaselineSettings baseline) { this.baseline = baseline; }

    public Thresholds thresholdsOrDefault() { return thresholds == null ? new Thresholds() : thresholds; }
    public OnDemand onDemandOrDefault() { return onDemand == null ? new OnDemand() : onDemand; }
    public BaselineSettings baselineOrDefault() { return baseline == null ? new BaselineSettings() : baseline; }
    public List<ProfileType> profileTypesOrDefault() {
        return profileTypes == null || profileTypes.isEmpty() ? DEFAULT_PROFILE_TYPES : List.copyOf(profileTypes);
    }

    /**
     * The CPU profile length: as set, else {@value #DEFAULT_CPU_PROFILE_SECONDS} seconds, shortened to one second
     * less than the check interval (and the periodic interval, when periodic captures are on) so that an omitted
     * field never makes a spec invalid.
     */
    public int cpuProfileSecondsOrDefault() {
        if (cpuProfileSeconds != null) {
            return cpuProfileSeconds;
        }
        int seconds = Math.min(DEFAULT_CPU_PROFILE_SECONDS, thresholdsOrDefault().checkIntervalOrDefault() - 1);
        OnDemand periodic = onDemandOrDefault();
        if (periodic.enabledOrDefault()) {
            seconds = Math.min(seconds, periodic.intervalOrDefault() - 1);
        }
        return Math.max(1, seconds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProfilingConfigSpec s && Objects.equals(selector, s.selector)
                && Objects.equals(thresholds, s.thresholds) && Objects.equals(onDemand, s.onDemand)
                && Objects.equals(s3Config, s.s3Config) && Objects.equals(profileTypes, s.profileTypes)
                && Objects.equals(cpuProfileSeconds, s.cpuProfileSeconds) && Objects.equals(baseline, s.baseline);
    }

    @Override
    public int hashCode() {
        return Objects.hash(selector, thresholds, onDemand, s3Config, profileTypes, cpuProfileSeconds, baseline);
    }
}
