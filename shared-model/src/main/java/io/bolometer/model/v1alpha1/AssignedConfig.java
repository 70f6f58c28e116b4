package io.bolometer.model.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.bolometer.model.ProfileType;
import java.util.List;
import java.util.Objects;

/** A config as the agent needs it: its identity and generation, and its settings with every default applied. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AssignedConfig {
    private String namespace;
    private String name;
    private Long generation;
    private Thresholds thresholds;
    private OnDemand onDemand;
    private S3Config s3Config;
    private List<ProfileType> profileTypes;
    private Integer cpuProfileSeconds;
    private BaselineSettings baseline;

    public String getNamespace() { return namespace; }
    public void setNamespace(String namespace) { this.namespace = namespace; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public Long getGeneration() { return generation; }
    public void setGeneration(Long generation) { this.generation = generation; }
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

    /** {@code namespace/name}. */
    public String id() {
        return namespace + "/" + name;
    }

    /** The settings as a spec (selector left out), for code shared with standalone mode. */
    public ProfilingConfigSpec toSpec() {
        ProfilingConfigSpec spec = new ProfilingConfigSpec();
        spec.setThresholds(thresholds);
        spec.setOnDemand(onDemand);
        spec.setS3Config(s3Config);
        spec.setProfileTypes(profileTypes);
        spec.setCpuProfileSeconds(cpuProfileSeconds);
        spec.setBaseline(baseline);
        return spec;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AssignedConfig c && Objects.equals(namespace, c.namespace) && Objects.equals(name, c.name)
                && Objects.equals(generation, c.generation) && Objects.equals(thresholds, c.thresholds)
                && Objects.equals(onDemand, c.onDemand) && Objects.equals(s3Config, c.s3Config)
                && Objects.equals(profileTypes, c.profileTypes) && Objects.equals(cpuProfileSeconds, c.cpuProfileSeconds)
                && Objects.equals(baseline, c.baseline);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespace, name, generation, thresholds, onDemand, s3Config, profileTypes, cpuProfileSeconds,
                baseline);
    }
}
