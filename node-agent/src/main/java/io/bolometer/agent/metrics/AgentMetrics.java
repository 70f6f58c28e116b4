package io.bolometer.agent.metrics;

import io.bolometer.model.CaptureReason;
import io.bolometer.model.ProfileType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The agent's Prometheus metrics with the contract names of ARCHITECTURE.md. Labels carry only bounded values
 * (profile type, reason, stage, resource): never pod names.
 */
public final class AgentMetrics {
    /** Label values of {@code profiling_errors_total{stage}}. */
    public static final List<String> ERROR_STAGES = List.of("kubelet", "fetch", "validate", "spool", "upload", "kube");
    /** Label values of {@code profiling_captures_skipped_total{reason}}. */
    public static final List<String> SKIP_REASONS = List.of("cpu-profiler-busy", "capture-in-progress", "spool-full");

    private final PrometheusMeterRegistry registry;
    private final AtomicInteger usageSourceUp = new AtomicInteger(1);
    private final Counter checks;

    public AgentMetrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public AgentMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        // Register every label value up front so dashboards and alerts see zeros, not gaps.
        for (String stage : ERROR_STAGES) {
            errors(stage);
        }
        for (String reason : SKIP_REASONS) {
            skips(reason);
        }
        violations("cpu");
        violations("memory");
        for (ProfileType type : ProfileType.values()) {
            uploads(type);
            spoolDrops(type);
        }
        spoolDroppedBytes();
        droppedLabels();
        checks = Counter.builder("profiling.threshold.checks")
                .description("Pod usage readings checked against thresholds")
                .register(registry);
        Gauge.builder("profiling.usage.source.up", usageSourceUp, AtomicInteger::get)
                .description("1 when the last usage read (kubelet summary or /proc) succeeded, 0 while threshold checks are paused")
                .register(registry);
    }

    public void captured(ProfileType type, CaptureReason reason, Duration took) {
        Counter.builder("profiling.captures")
                .description("Profiles captured, validated and spooled")
                .tag("profile_type", type.wireName()).tag("reason", reason.wireName())
                .register(registry).increment();
        Timer.builder("profiling.capture.duration")
                .description("Time from request to a validated profile in the spool")
                .tag("profile_type", type.wireName())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofSeconds(90))
                .register(registry).record(took);
    }

    public void uploaded(ProfileType type, Duration took) {
        uploads(type).increment();
        Timer.builder("profiling.upload.duration")
                .description("Time to store one profile in its sink")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofSeconds(120))
                .register(registry).record(took);
    }

    /** A spooled profile was deleted unsent to keep the spool within its byte budget. */
    public void spoolDropped(ProfileType type, long bytes) {
        spoolDrops(type).increment();
        spoolDroppedBytes().increment(bytes);
    }

    /** A profile given up after permanent refusals of its store (profiling_uploads_abandoned_total). */
    public void uploadAbandoned() {
        Counter.builder("profiling.uploads.abandoned")
                .description("Profiles left out after their store refused them permanently (4xx) several times")
                .register(registry).increment();
    }

    public void error(String stage) {
        errors(stage).increment();
    }

    public void skipped(String reason) {
        skips(reason).increment();
    }

    /** One pod checked against its thresholds (shows that checks run, also while nothing is hot). */
    public void thresholdCheck() {
        checks.increment();
    }

    public void thresholdViolation(String resource) {
        violations(resource).increment();
    }

    public void droppedMetadataLabels(int count) {
        if (count > 0) {
            droppedLabels().increment(count);
        }
    }

    public void usageSourceUp(boolean up) {
        usageSourceUp.set(up ? 1 : 0);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private Counter droppedLabels() {
        return Counter.builder("profiling.metadata.labels.dropped")
                .description("Pod labels left out of object metadata (2 KB budget or name collision)")
                .register(registry);
    }

    private Counter uploads(ProfileType type) {
        return Counter.builder("profiling.uploads")
                .description("Profiles stored durably in their sink (S3 or directory)")
                .tag("profile_type", type.wireName()).register(registry);
    }

    private Counter spoolDrops(ProfileType type) {
        return Counter.builder("profiling.spool.dropped")
                .description("Spooled profiles deleted unsent, oldest first, to stay within the spool's byte budget")
                .tag("profile_type", type.wireName()).register(registry);
    }

    private Counter spoolDroppedBytes() {
        return Counter.builder("profiling.spool.dropped.bytes")
                .description("Bytes of spooled profiles deleted unsent to stay within the spool's byte budget")
                .register(registry);
    }

    private Counter errors(String stage) {
        return Counter.builder("profiling.errors")
                .description("Errors by stage: kubelet, fetch, validate, spool, upload, kube")
                .tag("stage", stage).register(registry);
    }

    private Counter skips(String reason) {
        return Counter.builder("profiling.captures.skipped")
                .description("Captures not taken, by reason (not errors)")
                .tag("reason", reason).register(registry);
    }

    private Counter violations(String resource) {
        return Counter.builder("profiling.threshold.violations")
                .description("Checks that found a pod above its CPU or memory threshold")
                .tag("resource", resource).register(registry);
    }
}
