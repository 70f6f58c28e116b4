package io.bolometer.model.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/** Periodic ("on-demand" in the original product) capture, independent of thresholds and cooldown. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OnDemand {
    public static final int DEFAULT_INTERVAL_SECONDS = 35;

    @Default("false")
    private Boolean enabled;
    @Min(10) @Max(86400) @Default("35")
    private Integer intervalSeconds;

    public OnDemand() {
    }

    public OnDemand(Boolean enabled, Integer intervalSeconds) {
        this.enabled = enabled;
        this.intervalSeconds = intervalSeconds;
    }

    public Boolean getEnabled() { return enabled; }
    public void setEnabled(Boolean enabled) { this.enabled = enabled; }
    public Integer getIntervalSeconds() { return intervalSeconds; }
    public void setIntervalSeconds(Integer intervalSeconds) { this.intervalSeconds = intervalSeconds; }

    public boolean enabledOrDefault() { return Boolean.TRUE.equals(enabled); }
    public int intervalOrDefault() { return intervalSeconds == null ? DEFAULT_INTERVAL_SECONDS : intervalSeconds; }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnDemand d && Objects.equals(enabled, d.enabled) && Objects.equals(intervalSeconds, d.intervalSeconds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, intervalSeconds);
    }
}
