package io.bolometer.coordinator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The reconcile loop counts as wedged once one pass runs longer than the bound (time passed in, no sleeping). */
class CoalescingQueueHealthTest {

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
        }, Duration.ZERO, Duration.ZERO)) {
            Duration bound = Duration.ofMinutes(5);
            assertThat(queue.alive(bound, System.nanoTime())).isTrue();

            queue.request();
            entered.await();

            assertThat(queue.alive(bound, System.nanoTime())).as("running, within the bound").isTrue();
            assertThat(queue.alive(bound, System.nanoTime() + Duration.ofMinutes(6).toNanos())).as("stuck").isFalse();
            release.countDown();
        }
    }

    @Test
    void callsAClosedLoopDead() {
        CoalescingQueue queue = new CoalescingQueue(() -> { }, Duration.ZERO, Duration.ZERO);
        queue.close();

        assertThat(queue.alive(Duration.ofMinutes(5), System.nanoTime())).isFalse();
    }
}
