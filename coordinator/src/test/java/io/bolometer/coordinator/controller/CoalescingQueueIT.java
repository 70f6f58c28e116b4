package io.bolometer.coordinator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Periodic ticks and status-only updates ({@link CoalescingQueue#nudge}) never hold back the reconcile of a real
 * change: a steady stream of them leaves the change's burst due after the quiet gap, not at the max delay. (The
 * agents of a large cluster write status all the time; a 2 s resync used to keep a burst open until its max delay.)
 */
class CoalescingQueueIT {
    private static final Coalescing RULE = new Coalescing(Duration.ofMillis(200), Duration.ofSeconds(20));

    @Test
    void aStreamOfNudgesDoesNotDelayTheRunOfAChange() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        try (CoalescingQueue queue = new CoalescingQueue(ran::countDown, RULE, Clock.systemUTC())) {
            queue.request();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // Bounded: at most 10 s of nudges every 20 ms, ending as soon as the change's run happened.
            while (ran.getCount() > 0 && System.nanoTime() < deadline) {
                queue.nudge();
                ran.await(20, TimeUnit.MILLISECONDS);
            }
        }
        assertThat(ran.getCount()).as("ran long before the 20 s max delay while nudged every 20 ms").isZero();
    }

    @Test
    void aStreamOfChangesIsOneBurstUntilItPausesOrReachesTheMaxDelay() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Coalescing shortMax = new Coalescing(Duration.ofMillis(200), Duration.ofMillis(1500));
        long started = System.nanoTime();
        try (CoalescingQueue queue = new CoalescingQueue(ran::countDown, shortMax, Clock.systemUTC())) {
            long deadline = started + TimeUnit.SECONDS.toNanos(10);
            while (ran.getCount() > 0 && System.nanoTime() < deadline) {
                queue.request();
                ran.await(20, TimeUnit.MILLISECONDS);
            }
        }
        assertThat(ran.getCount()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("held until the max delay")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }
}
