package io.bolometer.coordinator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The reconcile loop counts as wedged once one pass runs longer than the bound (time moved by hand, no sleeping). */
class CoalescingQueueHealthIT {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));

    @Test
    void callsTheLoopStuckOnlyWhileOnePassRunsLongerThanTheBound() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (CoalescingQueue queue = new CoalescingQueue(() -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, new Coalescing(Duration.ZERO, Duration.ZERO), clock)) {
            Duration bound = Duration.ofMinutes(5);
            assertThat(queue.alive(bound, clock.instant())).isTrue();

            queue.request();
            entered.await();

            assertThat(queue.alive(bound, clock.instant())).as("running, within the bound").isTrue();
            clock.advance(Duration.ofMinutes(6));
            assertThat(queue.alive(bound, clock.instant())).as("stuck").isFalse();
            release.countDown();
        }
    }

    @Test
    void callsAClosedLoopDead() {
        CoalescingQueue queue = new CoalescingQueue(() -> { }, new Coalescing(Duration.ZERO, Duration.ZERO), clock);
        queue.close();

        assertThat(queue.alive(Duration.ofMinutes(5), clock.instant())).isFalse();
    }
}
