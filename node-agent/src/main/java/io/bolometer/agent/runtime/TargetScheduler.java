package io.bolometer.agent.runtime;

import io.bolometer.agent.insight.TriggerEvidence;
import io.bolometer.agent.metrics.AgentMetrics;
import io.bolometer.agent.metrics.CauseLog;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.targets.TargetSetDiff;
import io.bolometer.agent.trigger.Evaluation;
import io.bolometer.agent.trigger.PeriodicSchedule;
import io.bolometer.agent.trigger.PodUsage;
import io.bolometer.agent.trigger.ThresholdTrigger;
import io.bolometer.agent.trigger.UsageSnapshot;
import io.bolometer.agent.trigger.UsageSource;
import io.bolometer.agent.trigger.UsageSourceException;
import io.bolometer.model.CaptureReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the loops for the current target set: one threshold check per distinct check interval (one usage read
 * serves every target with that interval), one periodic schedule per target that wants one, and one-shot
 * requested captures when a target first shows a capture token or its token changes. Applying a new target set
 * diffs it with the running one and touches only what changed. All state is confined to the single scheduler
 * thread.
 */
public final class TargetScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TargetScheduler.class);

    /** How often a requested capture that met a running capture of its pod looks again. */
    static final Duration REQUEST_RETRY = Duration.ofMillis(500);
    /** How long a requested capture waits for a running one: two maximal CPU profiles plus fetch time-outs. */
    static final Duration REQUEST_PATIENCE = Duration.ofMinutes(5);
    /**
     * The first baseline profiles of a new target come within this long (at most its baseline interval): soon, so
     * that a pod running hot shortly after the agent (re)started still has a "before".
     */
    static final Duration FIRST_BASELINE_WITHIN = Duration.ofSeconds(15);
    /**
     * The first check of a new check interval comes this soon after its targets are applied (at most the interval),
     * not a whole interval later: a (re)started agent sees memory crossings at once; CPU, a rate of two readings,
     * from the second check on.
     */
    static final Duration FIRST_CHECK_AFTER = Duration.ofSeconds(1);

    private final ScheduledExecutorService executor;
    private final Clock clock;
    private final UsageSource usage;
    private final ProfileCollector collector;
    private final BaselineCollector baselines;
    private final AgentMetrics metrics;
    private final CauseLog causes = new CauseLog(LOG);
    private final Map<String, Running> running = new LinkedHashMap<>();
    private final Map<Duration, ScheduledFuture<?>> checks = new HashMap<>();
    private volatile int targetCount;

    public TargetScheduler(ScheduledExecutorService executor, Clock clock, UsageSource usage,
                           ProfileCollector collector, AgentMetrics metrics) {
        this(executor, clock, usage, collector, null, metrics);
    }

    /** A scheduler that also runs baseline profiles with {@code baselines} for targets that want them. */
    public TargetScheduler(ScheduledExecutorService executor, Clock clock, UsageSource usage,
                           ProfileCollector collector, BaselineCollector baselines, AgentMetrics metrics) {
        this.baselines = baselines;
        this.executor = executor;
        this.clock = clock;
        this.usage = usage;
        this.collector = collector;
        this.metrics = metrics;
        metrics.gauge("profiling.targets", "Targets (config, pod pairs) this agent profiles", () -> targetCount);
    }

    /** Replaces the target set; safe to call from any thread. */
    public void apply(Collection<ProfilingTarget> desired) {
        List<ProfilingTarget> copy = List.copyOf(desired);
        executor.execute(() -> applyNow(copy));
    }

    private void applyNow(List<ProfilingTarget> desired) {
        Map<String, ProfilingTarget> current = new LinkedHashMap<>();
        running.forEach((key, loop) -> current.put(key, loop.target));
        TargetSetDiff diff = TargetSetDiff.between(current, desired);
        if (diff.isEmpty()) {
            return;
        }
        for (ProfilingTarget target : diff.removed()) {
            Running loop = running.remove(target.key());
            loop.stop();
            causes.forget(target.key());
        }
        for (ProfilingTarget target : diff.changed()) {
            Running loop = running.get(target.key());
            String previousToken = loop.target.captureToken();
            loop.update(target);
            if (target.captureToken() != null && !Objects.equals(previousToken, target.captureToken())) {
                requested(loop);
            }
        }
        for (ProfilingTarget target : diff.added()) {
            Running loop = new Running(target);
            running.put(target.key(), loop);
            loop.schedulePeriodic();
            loop.scheduleFirstBaseline();
            if (target.captureToken() != null) {
                // A token on a new target is one nobody handled yet (cluster mode drops handled ones), e.g. one
                // set while the agent restarted: capture it once. Standalone targets never carry a token.
                requested(loop);
            }
        }
        rescheduleChecks();
        targetCount = running.size();
        LOG.info("Profiling {} targets ({} added, {} removed, {} changed)", running.size(), diff.added().size(),
                diff.removed().size(), diff.changed().size());
    }

    private void rescheduleChecks() {
        Map<Duration, Long> wanted = new HashMap<>();
        for (Running loop : running.values()) {
            if (loop.checksThresholds()) {
                wanted.merge(loop.target.settings().checkInterval(), 1L, Long::sum);
            }
        }
        checks.entrySet().removeIf(entry -> {
            if (!wanted.containsKey(entry.getKey())) {
                entry.getValue().cancel(false);
                return true;
            }
            return false;
        });
        for (Duration interval : wanted.keySet()) {
            checks.computeIfAbsent(interval, every -> executor.scheduleAtFixedRate(() -> check(every),
                    Math.min(every.toMillis(), FIRST_CHECK_AFTER.toMillis()), every.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    private void check(Duration interval) {
        usage.sample().whenCompleteAsync((snapshot, error) -> {
            if (error != null) {
                usageFailed(error);
            } else {
                usageRead(interval, snapshot);
            }
        }, executor);
    }

    private void usageFailed(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String kind = cause instanceof UsageSourceException e ? e.kind() : cause.getClass().getSimpleName();
        metrics.error("kubelet");
        metrics.usageSourceUp(false);
        causes.failure("usage-source", kind, "Cannot read pod usage from " + usage.describe() + " (" + kind + "): "
                + cause.getMessage() + "; threshold checks are paused, periodic captures continue");
    }

    private void usageRead(Duration interval, UsageSnapshot snapshot) {
        metrics.usageSourceUp(true);
        causes.success("usage-source", "Reading pod usage from " + usage.describe() + " works again");
        Instant now = clock.instant();
        for (Running loop : running.values()) {
            if (!loop.checksThresholds() || !loop.target.settings().checkInterval().equals(interval)) {
                continue;
            }
            PodUsage podUsage = snapshot.pods().get(loop.target.pod());
            if (podUsage == null) {
                causes.failure("usage|" + loop.target.key(), "missing", "No usage reported for " + loop.target.pod()
                        + " by " + usage.describe() + "; its thresholds are not checked until it appears");
                continue;
            }
            causes.success("usage|" + loop.target.key(), "Usage of " + loop.target.pod() + " is reported again");
            evaluate(loop, podUsage, now);
        }
    }

    private void evaluate(Running loop, PodUsage podUsage, Instant now) {
        Evaluation evaluation = loop.trigger.evaluate(podUsage, loop.target.limits(), now);
        metrics.thresholdCheck();
        if (evaluation.cpuViolated()) {
            metrics.thresholdViolation("cpu");
        }
        if (evaluation.memoryViolated()) {
            metrics.thresholdViolation("memory");
        }
        if (evaluation.decision() == Evaluation.Decision.CAPTURE) {
            TriggerEvidence evidence = TriggerEvidence.of(evaluation, loop.target.limits(),
                    loop.target.settings().cpuThresholdPercent(), loop.target.settings().memoryThresholdPercent())
                    .orElseThrow();
            collector.start(loop.target, CaptureReason.THRESHOLD_EXCEEDED, now, null, evidence)
                    .ifPresent(run -> loop.trigger.captureStarted(now));
        } else if (evaluation.decision() == Evaluation.Decision.COOLING_DOWN) {
            LOG.debug("{} is hot ({}) but cooling down until {}", loop.target.pod(),
                    evaluation.describe(loop.target.limits()), loop.trigger.cooldownUntil());
        }
    }

    private void requested(Running loop) {
        requested(loop, loop.target.captureToken(), clock.instant().plus(REQUEST_PATIENCE));
    }

    /**
     * Starts the requested capture now, or — while another capture of the same pod runs (a threshold or periodic
     * one), or the node runs its maximum of captures — waits for it to end, checking every {@link #REQUEST_RETRY}, so a user's request is not lost to a
     * collision. Gives up when the token changes, the target goes, the agent shuts down, or after
     * {@link #REQUEST_PATIENCE} (longer than any capture can run).
     */
    private void requested(Running loop, String token, Instant giveUpAt) {
        if (running.get(loop.target.key()) != loop || !Objects.equals(token, loop.target.captureToken())
                || !collector.accepting()) {
            return;
        }
        if (collector.capturing(loop.target.pod()) || collector.atCapacity()) {
            if (clock.instant().isBefore(giveUpAt)) {
                LOG.debug("Requested capture {} of {} waits for the running capture of the pod or a free slot", token,
                        loop.target.pod());
                executor.schedule(() -> requested(loop, token, giveUpAt), REQUEST_RETRY.toMillis(),
                        TimeUnit.MILLISECONDS);
                return;
            }
            LOG.warn("Requested capture {} of {} gave up: another capture of the pod ran for over {} s", token,
                    loop.target.pod(), REQUEST_PATIENCE.toSeconds());
        }
        collector.start(loop.target, CaptureReason.REQUESTED, clock.instant(), "capture token " + token);
    }

    public int targetCount() {
        return targetCount;
    }

    @Override
    public void close() {
        executor.execute(() -> {
            running.values().forEach(Running::stop);
            running.clear();
            checks.values().forEach(f -> f.cancel(false));
            checks.clear();
            targetCount = 0;
        });
    }

    /** The loop state of one target. */
    private final class Running {
        private ProfilingTarget target;
        private ThresholdTrigger trigger;
        private ScheduledFuture<?> periodic;
        private ScheduledFuture<?> baseline;

        Running(ProfilingTarget target) {
            this.target = target;
            this.trigger = newTrigger(target);
        }

        boolean checksThresholds() {
            return target.limits().cpuCores() > 0 || target.limits().memoryBytes() > 0;
        }

        void update(ProfilingTarget next) {
            boolean thresholdsChanged = !target.settings().equals(next.settings()) || !target.limits().equals(next.limits());
            boolean periodicChanged = target.settings().periodic() != next.settings().periodic()
                    || !target.settings().periodicInterval().equals(next.settings().periodicInterval());
            boolean baselineChanged = target.settings().baseline() != next.settings().baseline()
                    || !target.settings().baselineInterval().equals(next.settings().baselineInterval());
            target = next;
            if (baselineChanged) {
                stopBaseline();
                scheduleFirstBaseline();
            }
            if (thresholdsChanged) {
                Instant cooldownUntil = trigger.cooldownUntil();
                trigger = newTrigger(next);
                if (cooldownUntil.isAfter(Instant.MIN)) {
                    // Keep a running cooldown across a settings change: a new config must not re-fire at once.
                    trigger.captureStarted(cooldownUntil.minus(next.settings().cooldown()));
                }
            }
            if (periodicChanged) {
                stopPeriodic();
                schedulePeriodic();
            }
        }

        /**
         * The first baseline soon after the target appears (within 15 s, spread by a hash of the target),
         * so that hot captures have a "before" early; then one every baseline interval.
         */
        void scheduleFirstBaseline() {
            if (baselines == null || !target.settings().baseline()) {
                return;
            }
            Duration spread = target.settings().baselineInterval().compareTo(FIRST_BASELINE_WITHIN) < 0
                    ? target.settings().baselineInterval() : FIRST_BASELINE_WITHIN;
            scheduleBaseline(Duration.ofMillis(PeriodicSchedule.offsetMillis(target.key() + "|baseline", spread)));
        }

        private void scheduleBaseline(Duration delay) {
            baseline = executor.schedule(() -> {
                if (running.get(target.key()) != this) {
                    return;
                }
                baselines.start(target, clock.instant());
                scheduleBaseline(target.settings().baselineInterval());
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        }

        void stopBaseline() {
            if (baseline != null) {
                baseline.cancel(false);
                baseline = null;
            }
        }

        void schedulePeriodic() {
            if (!target.settings().periodic()) {
                return;
            }
            PeriodicSchedule schedule = new PeriodicSchedule(target.key(), target.settings().periodicInterval());
            scheduleNext(schedule);
        }

        private void scheduleNext(PeriodicSchedule schedule) {
            Instant now = clock.instant();
            Instant next = schedule.nextAfter(now);
            periodic = executor.schedule(() -> {
                if (running.get(target.key()) != this) {
                    return;
                }
                collector.start(target, CaptureReason.ON_DEMAND, clock.instant(), null);
                scheduleNext(schedule);
            }, Duration.between(now, next).toMillis(), TimeUnit.MILLISECONDS);
        }

        void stop() {
            stopPeriodic();
            stopBaseline();
        }

        void stopPeriodic() {
            if (periodic != null) {
                periodic.cancel(false);
                periodic = null;
            }
        }

        private ThresholdTrigger newTrigger(ProfilingTarget t) {
            return new ThresholdTrigger(t.settings().cpuThresholdPercent(), t.settings().memoryThresholdPercent(),
                    t.settings().cooldown(), t.settings().checkInterval());
        }
    }
}
