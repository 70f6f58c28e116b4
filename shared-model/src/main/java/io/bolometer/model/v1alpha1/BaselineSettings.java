package io.bolometer.model.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/**
 * Baseline profiles ({@code spec.baseline}): a short CPU profile and a heap profile per pod every
 * {@code intervalMinutes}, summarized and kept on the node as the "before" that hot captures are compared with,
 * never uploaded.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BaselineSettings {
    public static final int DEFAULT_INTERVAL_MINUTES = 60;

    @Default("false")
    private Boolean enabled;
    @Min(1) @Max(1440) @Default("60")
    private Integer intervalMinutes;

    public BaselineSettings() {
    }

    public BaselineSettings(Boolean enabled, Integer intervalMinutes) {
        this.enabled = enabled;
        this.intervalMinutes = intervalMinutes;
    }

    public Boolean getEnabled() { return enabled; }
    public void setEnabled(Boolean enabled) { this.enabled = enabled; }
    public Integer getIntervalMinutes() { return intervalMinutes; }
    public void setIntervalMinutes(Integer intervalMinutes) { this.intervalMinutes = intervalMinutes; }

    public boolean enabledOrDefault() { return Boolean.TRUE.equals(enabled); }
    public int intervalOrDefault() { return intervalMinutes == null ? DEFAULT_INTERVAL_MINUTES : intervalMinutes; }

    @Override
    public boolean equals(Object o) {
        return o instanceof BaselineSettings b && Objects.equals(enabled, b.enabled)
                && Objects.equals(intervalMinutes, b.intervalMinutes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, intervalMinutes);
    }
}
