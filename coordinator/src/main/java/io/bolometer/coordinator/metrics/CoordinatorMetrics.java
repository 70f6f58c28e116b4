package io.bolometer.coordinator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** The coordinator's Prometheus metrics: reconciles, their duration, assigned targets, leadership, kube errors. */
public final class CoordinatorMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger assignedTargets = new AtomicInteger();
    private final Counter kubeErrors;

    public CoordinatorMetrics(BooleanSupplier leading) {
        Gauge.builder("bolometer.coordinator.assigned.targets", assignedTargets, AtomicInteger::get)
                .description("Targets in the current plan, over all nodes").register(registry);
        Gauge.builder("bolometer.coordinator.leader", () -> leading.getAsBoolean() ? 1 : 0)
                .description("1 while this replica holds the lease").register(registry);
        kubeErrors = Counter.builder("profiling.errors").tag("stage", "kube")
                .description("Errors by stage").register(registry);
        for (String result : new String[] {"success", "error", "skipped"}) {
            reconciles(result);
        }
        for (String result : new String[] {"sent", "exists", "dropped", "failed"}) {
            captureEvents(result, 0);
        }
    }

    public void reconciled(String result, Duration took) {
        reconciles(result).increment();
        Timer.builder("bolometer.coordinator.reconcile.duration").description("One reconcile of all configs")
                .publishPercentileHistogram().register(registry).record(took);
    }

    public void kubeError() {
        kubeErrors.increment();
    }

    /** A {@code ProfileCaptured} Event: {@code sent}, {@code exists} (409), {@code dropped} (rate bound), {@code failed}. */
    public void captureEvents(String result, int count) {
        Counter.builder("profiling.capture.events").tag("result", result)
                .description("ProfileCaptured Events on pods by result").register(registry).increment(count);
    }

    public void assignedTargets(int count) {
        assignedTargets.set(count);
    }

    public String scrape() {
        return registry.scrape();
    }

    private Counter reconciles(String result) {
        return Counter.builder("bolometer.coordinator.reconciles").tag("result", result)
                .description("Reconciles by result").register(registry);
    }
}
