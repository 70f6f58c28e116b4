package io.bolometer.coordinator.controller;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns a burst of change notifications into one run of the job: the first request schedules a run after a
 * short delay, requests meanwhile join it, and a request during a run schedules exactly one more. Runs never
 * overlap (one thread).
 */
public final class CoalescingQueue implements AutoCloseable {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "bolometer-reconcile");
        thread.setDaemon(true);
        return thread;
    });
    private final Runnable job;
    private final Duration delay;
    private final AtomicBoolean pending = new AtomicBoolean();

    public CoalescingQueue(Runnable job, Duration delay) {
        this.job = job;
        this.delay = delay;
    }

    /** Asks for a run soon; returns at once. */
    public void request() {
        if (pending.compareAndSet(false, true) && !executor.isShutdown()) {
            executor.schedule(() -> {
                pending.set(false);
                job.run();
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
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
