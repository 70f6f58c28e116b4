package io.bolometer.coordinator.controller;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Turns a burst of change notifications into one run of the job: a request schedules a run once no further
 * request came for {@code quiet}, but never later than {@code maxDelay} after the first request of the burst
 * (so steady churn still gets a run every {@code maxDelay}). A request during a run schedules exactly one more.
 * Runs never overlap (one thread).
 *
 * <p>Why a quiet period and not a fixed delay: one reconcile writes each node's assignment at most once, so the
 * writes a burst costs are the reconciles it spans. A 1,000-pod rollout arrives over seconds; with a fixed short
 * delay it spanned several reconciles and each touched node was written several times ({@code make bench},
 * "assignment writes per touched node").
 */
public final class CoalescingQueue implements AutoCloseable {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "bolometer-reconcile");
        thread.setDaemon(true);
        return thread;
    });
    private final Runnable job;
    private final long quietNanos;
    private final long maxDelayNanos;
    // Guarded by this.
    private boolean pending;
    /** System.nanoTime() when the running job started, 0 while none runs. */
    private volatile long runningSince;
    private long firstRequest;
    private long lastRequest;

    public CoalescingQueue(Runnable job, Duration quiet, Duration maxDelay) {
        if (maxDelay.compareTo(quiet) < 0) {
            throw new IllegalArgumentException("maxDelay (" + maxDelay + ") must not be shorter than quiet (" + quiet + ")");
        }
        this.job = job;
        this.quietNanos = quiet.toNanos();
        this.maxDelayNanos = maxDelay.toNanos();
    }

    /** Asks for a run soon; returns at once. */
    public void request() {
        long now = System.nanoTime();
        synchronized (this) {
            lastRequest = now;
            if (pending) {
                return;
            }
            pending = true;
            firstRequest = now;
        }
        schedule(quietNanos);
    }

    private void schedule(long delayNanos) {
        if (!executor.isShutdown()) {
            executor.schedule(this::runWhenQuiet, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void runWhenQuiet() {
        long now = System.nanoTime();
        synchronized (this) {
            long due = Math.min(lastRequest + quietNanos, firstRequest + maxDelayNanos);
            if (now - due < 0) {
                schedule(due - now);
                return;
            }
            pending = false;
        }
        runningSince = now == 0 ? 1 : now;
        try {
            job.run();
        } finally {
            runningSince = 0;
        }
    }

    /**
     * False when the job has been running longer than {@code stuckAfter} (a wedged reconcile: every write has a
     * timeout, so a healthy pass ends) or the queue's thread is gone.
     */
    public boolean alive(Duration stuckAfter, long nowNanos) {
        long since = runningSince;
        return !executor.isShutdown() && (since == 0 || nowNanos - since < stuckAfter.toNanos());
    }

    /** Also runs the job every {@code period}, e.g. to fold agent status. */
    public void every(Duration period) {
        executor.scheduleWithFixedDelay(this::request, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
