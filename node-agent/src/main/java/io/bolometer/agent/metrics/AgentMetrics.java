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
        checks = counter("profiling.threshold.checks", "Pod usage readings checked against thresholds");
        Gauge.builder("profiling.usage.source.up", usageSourceUp, AtomicInteger::get)
                .description("1 when the last usage read (kubelet summary or /proc) succeeded, 0 while threshold checks are paused")
                .register(registry);
    }

    public void captured(ProfileType type, CaptureReason reason, Duration took) {
        counter("profiling.captures", "Profiles captured, validated and spooled",
                "profile_type", type.wireName(), "reason", reason.wireName()).increment();
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
        counter("profiling.uploads.abandoned",
                "Profiles left out after their store refused them permanently (4xx) several times").increment();
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

    /** The counter {@code name} with these tags (key, value, …), registered on first use. */
    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    private Counter droppedLabels() {
        return counter("profiling.metadata.labels.dropped",
                "Pod labels left out of object metadata (2 KB budget or name collision)");
    }

    private Counter uploads(ProfileType type) {
        return counter("profiling.uploads",
                "Profiles stored durably in their sink (S3 or directory)", "profile_type", type.wireName());
    }

    private Counter spoolDrops(ProfileType type) {
        return counter("profiling.spool.dropped",
                "Spooled profiles deleted unsent, oldest first, to stay within the spool's byte budget",
                "profile_type", type.wireName());
    }

    private Counter spoolDroppedBytes() {
        return counter("profiling.spool.dropped.bytes",
                "Bytes of spooled profiles deleted unsent to stay within the spool's byte budget");
    }

    private Counter errors(String stage) {
        return counter("profiling.errors",
                "Errors by stage: kubelet, fetch, validate, spool, upload, kube", "stage", stage);
    }

    private Counter skips(String reason) {
        return counter("profiling.captures.skipped", "Captures not taken, by reason (not errors)", "reason", reason);
    }

    private Counter violations(String resource) {
        return counter("profiling.threshold.violations",
                "Checks that found a pod above its CPU or memory threshold", "resource", resource);
    }
}
