package io.bolometer.coordinator.controller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Turns a burst of change notifications into one run of the job, when {@link Coalescing} says the burst is due
 * (quiet for long enough, never later than its max delay). A request during a run schedules exactly one more.
 * Runs never overlap (one thread). This class only owns the thread; the timing rule is {@link Coalescing}.
 */
public final class CoalescingQueue implements AutoCloseable {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "bolometer-reconcile");
        thread.setDaemon(true);
        return thread;
    });
    private final Runnable job;
    private final Coalescing rule;
    private final Clock clock;
    /** The burst waiting for its run, null when none; guarded by this. */
    private Coalescing.Burst burst;
    /** When the running job started, null while none runs. */
    private volatile Instant runningSince;

    public CoalescingQueue(Runnable job, Coalescing rule, Clock clock) {
        this.job = job;
        this.rule = rule;
        this.clock = clock;
    }

    /**
     * Asks for a run soon for something that changed; returns at once. It joins the burst waiting for its run, which
     * the rule may then wait longer for.
     */
    public void request() {
        Instant now = clock.instant();
        synchronized (this) {
            if (burst != null) {
                burst = burst.plus(now);
                return;
            }
            burst = Coalescing.Burst.startingAt(now);
        }
        schedule(rule.quiet());
    }

    /**
     * Asks for a run soon for something that does not start or prolong a burst: a periodic tick, a status-only
     * update (the agents' status writes, this coordinator's own). With a burst waiting it changes nothing, so a
     * steady stream of them never holds back the reconcile of a real change; else a run comes after the quiet gap.
     */
    public void nudge() {
        Instant now = clock.instant();
        synchronized (this) {
            if (burst != null) {
                return;
            }
            burst = Coalescing.Burst.startingAt(now);
        }
        schedule(rule.quiet());
    }

    private void schedule(Duration delay) {
        if (!executor.isShutdown()) {
            executor.schedule(this::runWhenDue, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void runWhenDue() {
        Instant now = clock.instant();
        synchronized (this) {
            Duration wait = rule.wait(burst, now);
            if (!wait.isZero()) {
                schedule(wait);
                return;
            }
            burst = null;
        }
        runningSince = now;
        try {
            job.run();
        } finally {
            runningSince = null;
        }
    }

    /**
     * False when the job has been running longer than {@code stuckAfter} at {@code now} (a wedged reconcile: every
     * write has a timeout, so a healthy pass ends) or the queue's thread is gone.
     */
    public boolean alive(Duration stuckAfter, Instant now) {
        Instant since = runningSince;
        return !executor.isShutdown() && (since == null || Duration.between(since, now).compareTo(stuckAfter) < 0);
    }

    /** Also runs the job every {@code period}, e.g. to fold agent status (a {@link #nudge}). */
    public void every(Duration period) {
        executor.scheduleWithFixedDelay(this::nudge, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
