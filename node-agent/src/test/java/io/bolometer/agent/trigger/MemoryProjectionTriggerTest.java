package io.bolometer.agent.trigger;

import io.bolometer.agent.targets.ResourceLimits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bolometer.agent.insight.TriggerEvidence;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pre-OOM decision: a working set heading for the memory limit by the next check triggers a capture now. */
class MemoryProjectionTriggerTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final long MIB = 1024 * 1024;
    private static final Duration CHECK = Duration.ofSeconds(5);
    private static final ResourceLimits LIMIT = ResourceLimits.resolve(1, 0, 0, 512 * MIB, 0, 0);
    private static final ResourceLimits REQUEST_ONLY = ResourceLimits.resolve(1, 0, 0, 0, 512 * MIB, 0);

    static Stream<Arguments> ramps() {
        return Stream.of(
                Arguments.of("a steep leak below the threshold", LIMIT, new long[] {300, 350, 400, 460}, true, false),
                Arguments.of("a slow leak", LIMIT, new long[] {300, 301, 302, 303}, false, false),
                Arguments.of("a steep leak that has not had three readings", LIMIT, new long[] {300, 460}, false,
                        false),
                Arguments.of("a steep leak measured against a request", REQUEST_ONLY, new long[] {300, 350, 400, 460},
                        false, false),
                Arguments.of("a leak already over the memory threshold", LIMIT, new long[] {400, 450, 470}, false,
                        true),
                Arguments.of("memory freed after a spike", LIMIT, new long[] {460, 400, 350, 300}, false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ramps")
    void capturesWhenTheWorkingSetIsProjectedToReachTheLimitByTheNextCheck(String name, ResourceLimits limits,
                                                                         long[] mib, boolean projected,
                                                                         boolean violated) {
        ThresholdTrigger trigger = new ThresholdTrigger(80, 90, Duration.ofMinutes(5), CHECK);

        Evaluation last = evaluateAll(trigger, limits, mib);

        assertThat(last.memoryProjected()).as("projected %s%%", last.projectedMemoryPercent()).isEqualTo(projected);
        assertThat(last.memoryViolated()).isEqualTo(violated);
        assertThat(last.decision()).isEqualTo(projected || violated ? Evaluation.Decision.CAPTURE
                : Evaluation.Decision.BELOW_THRESHOLD);
    }

    @Test
    void respectsTheCooldownOfTheLastThresholdCapture() {
        ThresholdTrigger trigger = new ThresholdTrigger(80, 90, Duration.ofMinutes(5), CHECK);
        trigger.captureStarted(T0);

        Evaluation last = evaluateAll(trigger, LIMIT, new long[] {300, 350, 400, 460});

        assertThat(last.memoryProjected()).isTrue();
        assertThat(last.decision()).isEqualTo(Evaluation.Decision.COOLING_DOWN);
    }

    @Test
    void projectsNothingWithoutAHorizon() {
        Evaluation last = evaluateAll(new ThresholdTrigger(80, 90, Duration.ofMinutes(5)), LIMIT,
                new long[] {300, 350, 400, 460});

        assertThat(last.memoryProjected()).isFalse();
        assertThat(last.projectedMemoryPercent()).isNaN();
    }

    @Test
    void namesTheProjectionAsEvidenceWithItsProjectedPercentAndThe98PercentMark() {
        ThresholdTrigger trigger = new ThresholdTrigger(80, 90, Duration.ofMinutes(5), CHECK);
        Evaluation last = evaluateAll(trigger, LIMIT, new long[] {300, 350, 400, 460});

        TriggerEvidence evidence = TriggerEvidence.of(last, LIMIT, 80, 90).orElseThrow();

        assertThat(evidence.resource()).isEqualTo(TriggerEvidence.Resource.MEMORY_PROJECTED);
        // least squares over 300, 350, 400, 460 MiB every 5 s: 53 MiB per check, 513 MiB of 512 next
        assertThat(evidence.percent()).isCloseTo(513.0 / 512 * 100, within(0.01));
        assertThat(evidence.thresholdPercent()).isEqualTo(98);
        assertThat(evidence.basis()).isEqualTo(TriggerEvidence.Basis.LIMIT);
        assertThat(evidence.describe()).isEqualTo("memory-projected 100.2% of limit \u2265 98%");
    }

    private static Evaluation evaluateAll(ThresholdTrigger trigger, ResourceLimits limits, long[] mib) {
        Evaluation last = null;
        for (int i = 0; i < mib.length; i++) {
            Instant at = T0.plus(CHECK.multipliedBy(i));
            last = trigger.evaluate(new PodUsage(at, -1, mib[i] * MIB), limits, at);
        }
        return last;
    }
}
