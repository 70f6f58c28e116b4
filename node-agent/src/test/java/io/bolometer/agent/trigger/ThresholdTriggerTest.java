package io.bolometer.agent.trigger;

import io.bolometer.agent.targets.ResourceLimits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ThresholdTriggerTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final long SECOND = 1_000_000_000L;
    private static final long MIB = 1024 * 1024;
    private final ResourceLimits oneCoreHalfGig = ResourceLimits.configured(1.0, 512 * MIB);

    private static PodUsage usage(long secondsAfterT0, long cpuNanos, long workingSet) {
        return new PodUsage(T0.plusSeconds(secondsAfterT0), cpuNanos, workingSet);
    }

    @Test
    void computesCpuPercentFromSuccessiveCumulativeReadings() {
        ThresholdTrigger trigger = new ThresholdTrigger(80, 90, Duration.ofMinutes(5));
        Evaluation first = trigger.evaluate(usage(0, 100 * SECOND, 10 * MIB), oneCoreHalfGig, T0);
        // 9 core-seconds used in 10 s against a 1-core limit = 90 %
        Evaluation second = trigger.evaluate(usage(10, 109 * SECOND, 10 * MIB), oneCoreHalfGig, T0.plusSeconds(10));

        assertThat(first.cpuPercent()).isNaN();
        assertThat(first.decision()).isEqualTo(Evaluation.Decision.BELOW_THRESHOLD);
        assertThat(second.cpuPercent()).isCloseTo(90.0, within(0.001));
        assertThat(second.cpuViolated()).isTrue();
        assertThat(second.decision()).isEqualTo(Evaluation.Decision.CAPTURE);
    }

    @Test
    void keepsTheRateWhenTheKubeletRepeatsTheSameSample() {
        ThresholdTrigger trigger = new ThresholdTrigger(80, 90, Duration.ofMinutes(5));
        trigger.evaluate(usage(0, 100 * SECOND, 10 * MIB), oneCoreHalfGig, T0);
        Evaluation hot = trigger.evaluate(usage(10, 109 * SECOND, 10 * MIB), oneCoreHalfGig, T0.plusSeconds(10));
        // polled again before the kubelet's next housekeeping: the same time and counter come back
        Evaluation repeated = trigger.evaluate(usage(10, 109 * SECOND, 10 * MIB), oneCoreHalfGig, T0.plusSeconds(15));
        Evaluation next = trigger.evaluate(usage(20, 110 * SECOND, 10 * MIB), oneCoreHalfGig, T0.plusSeconds(20));

        assertThat(hot.cpuPercent()).isCloseTo(90.0, within(0.001));
        assertThat(repeated.cpuPercent()).isCloseTo(90.0, within(0.001));
        assertThat(repeated.cpuViolated()).isTrue();
        assertThat(next.cpuPercent()).as("measured from the sample at 10 s, not from the repeat").isCloseTo(10.0, within(0.001));
    }

    @Test
    void takesNoRateFromAnUnknownReading() {
        ThresholdTrigger trigger = new ThresholdTrigger(80, 90, Duration.ofMinutes(5));
        trigger.evaluate(usage(0, -1, -1), oneCoreHalfGig, T0);
        Evaluation first = trigger.evaluate(usage(10, 100 * SECOND, 10 * MIB), oneCoreHalfGig, T0.plusSeconds(10));
        Evaluation second = trigger.evaluate(usage(20, 101 * SECOND, 10 * MIB), oneCoreHalfGig, T0.plusSeconds(20));

        assertThat(first.cpuPercent()).isNaN();
        assertThat(second.cpuPercent()).isCloseTo(10.0, within(0.001));
    }

    @Test
    void measuresCpuAgainstMultiCoreLimits() {
        ResourceLimits twoCores = ResourceLimits.configured(2.0, 0);
        ThresholdTrigger trigger = new ThresholdTrigger(80, 90, Duration.ZERO);
        trigger.evaluate(usage(0, 0, -1), twoCores, T0);
        Evaluation evaluation = trigger.evaluate(usage(10, 15 * SECOND, -1), twoCores, T0.plusSeconds(10));

        assertThat(evaluation.cpuPercent()).isCloseTo(75.0, within(0.001));
        assertThat(evaluation.decision()).isEqualTo(Evaluation.Decision.BELOW_THRESHOLD);
        assertThat(evaluation.memoryPercent()).isNaN();
    }

    @Test
    void capturesOnMemoryAboveThresholdWithoutAnEarlierReading() {
        ThresholdTrigger trigger = new ThresholdTrigger(80, 90, Duration.ofMinutes(5));
        Evaluation evaluation = trigger.evaluate(usage(0, 0, 470 * MIB), oneCoreHalfGig, T0);

        assertThat(evaluation.memoryPercent()).isCloseTo(91.8, within(0.1));
        assertThat(evaluation.memoryViolated()).isTrue();
        assertThat(evaluation.cpuViolated()).isFalse();
        assertThat(evaluation.decision()).isEqualTo(Evaluation.Decision.CAPTURE);
    }

    @Test
    void coolsDownAfterACaptureStartsAndCapturesAgainOnceItEnds() {
        ThresholdTrigger trigger = new ThresholdTrigger(80, 90, Duration.ofSeconds(60));
        ResourceLimits limits = oneCoreHalfGig;
        trigger.evaluate(usage(0, 0, 0), limits, T0);
        assertThat(trigger.evaluate(usage(10, 10 * SECOND, 0), limits, T0.plusSeconds(10)).decision())
                .isEqualTo(Evaluation.Decision.CAPTURE);
        trigger.captureStarted(T0.plusSeconds(10));

        assertThat(trigger.evaluate(usage(20, 20 * SECOND, 0), limits, T0.plusSeconds(20)).decision())
                .isEqualTo(Evaluation.Decision.COOLING_DOWN);
        assertThat(trigger.evaluate(usage(69, 79 * SECOND, 0), limits, T0.plusSeconds(69)).decision())
                .isEqualTo(Evaluation.Decision.COOLING_DOWN);
        assertThat(trigger.evaluate(usage(70, 80 * SECOND, 0), limits, T0.plusSeconds(70)).decision())
                .isEqualTo(Evaluation.Decision.CAPTURE);
    }

    @Test
    void doesNotCoolDownWhenTheCaptureWasNeverStarted() {
        ThresholdTrigger trigger = new ThresholdTrigger(80, 90, Duration.ofSeconds(60));
        trigger.evaluate(usage(0, 0, 0), oneCoreHalfGig, T0);
        trigger.evaluate(usage(10, 10 * SECOND, 0), oneCoreHalfGig, T0.plusSeconds(10));

        assertThat(trigger.evaluate(usage(20, 20 * SECOND, 0), oneCoreHalfGig, T0.plusSeconds(20)).decision())
                .isEqualTo(Evaluation.Decision.CAPTURE);
    }

    @Test
    void ignoresACounterThatWentBackwardsAfterAContainerRestart() {
        ThresholdTrigger trigger = new ThresholdTrigger(80, 90, Duration.ZERO);
        trigger.evaluate(usage(0, 500 * SECOND, 0), oneCoreHalfGig, T0);
        Evaluation afterRestart = trigger.evaluate(usage(10, 2 * SECOND, 0), oneCoreHalfGig, T0.plusSeconds(10));
        Evaluation next = trigger.evaluate(usage(20, 12 * SECOND, 0), oneCoreHalfGig, T0.plusSeconds(20));

        assertThat(afterRestart.cpuPercent()).isNaN();
        assertThat(next.cpuPercent()).isCloseTo(100.0, within(0.001));
    }

    @Test
    void cannotComputePercentagesWithoutLimits() {
        ThresholdTrigger trigger = new ThresholdTrigger(80, 90, Duration.ZERO);
        ResourceLimits none = ResourceLimits.configured(0, 0);
        trigger.evaluate(usage(0, 0, 100), none, T0);
        Evaluation evaluation = trigger.evaluate(usage(10, 100 * SECOND, 100), none, T0.plusSeconds(10));

        assertThat(evaluation.cpuPercent()).isNaN();
        assertThat(evaluation.memoryPercent()).isNaN();
        assertThat(evaluation.decision()).isEqualTo(Evaluation.Decision.BELOW_THRESHOLD);
    }

    @Test
    void treatsExactlyTheThresholdAsCrossed() {
        ThresholdTrigger trigger = new ThresholdTrigger(50, 90, Duration.ZERO);
        trigger.evaluate(usage(0, 0, 0), oneCoreHalfGig, T0);
        Evaluation evaluation = trigger.evaluate(usage(10, 5 * SECOND, 0), oneCoreHalfGig, T0.plusSeconds(10));

        assertThat(evaluation.cpuViolated()).isTrue();
        assertThat(evaluation.describe(oneCoreHalfGig)).isEqualTo("cpu 50% of limit, memory 0% of limit");
    }
}
