package io.bolometer.model.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/** When a pod counts as hot, how often it is checked, and how long to wait before capturing it again. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Thresholds {
    public static final int DEFAULT_CPU_PERCENT = 80;
    public static final int DEFAULT_MEMORY_PERCENT = 90;
    public static final int DEFAULT_CHECK_INTERVAL_SECONDS = 30;
    public static final int DEFAULT_COOLDOWN_SECONDS = 300;

    @Min(1) @Max(1000) @Default("80")
    private Integer cpuThresholdPercent;
    @Min(1) @Max(100) @Default("90")
    private Integer memoryThresholdPercent;
    @Min(5) @Max(3600) @Default("30")
    private Integer checkIntervalSeconds;
    @Min(0) @Max(86400) @Default("300")
    private Integer cooldownSeconds;

    public Thresholds() {
    }

    public Thresholds(Integer cpuThresholdPercent, Integer memoryThresholdPercent, Integer checkIntervalSeconds,
                      Integer cooldownSeconds) {
        this.cpuThresholdPercent = cpuThresholdPercent;
        this.memoryThresholdPercent = memoryThresholdPercent;
        this.checkIntervalSeconds = checkIntervalSeconds;
        this.cooldownSeconds = cooldownSeconds;
    }

    public Integer getCpuThresholdPercent() { return cpuThresholdPercent; }
    public void setCpuThresholdPercent(Integer v) { this.cpuThresholdPercent = v; }
    public Integer getMemoryThresholdPercent() { return memoryThresholdPercent; }
    public void setMemoryThresholdPercent(Integer v) { this.memoryThresholdPercent = v; }
    public Integer getCheckIntervalSeconds() { return checkIntervalSeconds; }
    public void setCheckIntervalSeconds(Integer v) { this.checkIntervalSeconds = v; }
    public Integer getCooldownSeconds() { return cooldownSeconds; }
    public void setCooldownSeconds(Integer v) { this.cooldownSeconds = v; }

    public int cpuPercentOrDefault() { return cpuThresholdPercent == null ? DEFAULT_CPU_PERCENT : cpuThresholdPercent; }
    public int memoryPercentOrDefault() { return memoryThresholdPercent == null ? DEFAULT_MEMORY_PERCENT : memoryThresholdPercent; }
    public int checkIntervalOrDefault() { return checkIntervalSeconds == null ? DEFAULT_CHECK_INTERVAL_SECONDS : checkIntervalSeconds; }
    public int cooldownOrDefault() { return cooldownSeconds == null ? DEFAULT_COOLDOWN_SECONDS : cooldownSeconds; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Thresholds t && Objects.equals(cpuThresholdPercent, t.cpuThresholdPercent)
                && Objects.equals(memoryThresholdPercent, t.memoryThresholdPercent)
                && Objects.equals(checkIntervalSeconds, t.checkIntervalSeconds)
                && Objects.equals(cooldownSeconds, t.cooldownSeconds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cpuThresholdPercent, memoryThresholdPercent, checkIntervalSeconds, cooldownSeconds);
    }
}
