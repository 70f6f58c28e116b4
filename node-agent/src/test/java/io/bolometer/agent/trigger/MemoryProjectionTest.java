package io.bolometer.agent.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MemoryProjectionTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
    private static final long MIB = 1 << 20;

    static Stream<Arguments> readings() {
        return Stream.of(
                Arguments.of("a steady leak of 10 MiB per 5 s check", new long[] {100, 110, 120, 130}, 140.0),
                Arguments.of("too few readings", new long[] {100, 200}, Double.NaN),
                Arguments.of("flat", new long[] {100, 100, 100, 100}, Double.NaN),
                Arguments.of("shrinking", new long[] {200, 180, 160}, Double.NaN),
                Arguments.of("a GC dip inside a leak still projects growth", new long[] {100, 120, 110, 140, 150},
                        162.0),
                Arguments.of("only the last five readings count", new long[] {500, 400, 300, 10, 20, 30, 40, 50},
                        60.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readings")
    void projectsTheWorkingSetOneCheckAheadFromTheLeastSquaresSlope(String name, long[] mib, double expectedMib) {
        MemoryProjection projection = new MemoryProjection();
        for (int i = 0; i < mib.length; i++) {
            projection.add(T0.plusSeconds(5L * i), mib[i] * MIB);
        }

        double projected = projection.projectedBytes(Duration.ofSeconds(5)) / MIB;

        if (Double.isNaN(expectedMib)) {
            assertThat(projected).isNaN();
        } else {
            assertThat(projected).isCloseTo(expectedMib, within(0.01));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("repeats")
    void ignoresTheSameSampleReadTwiceAndUnknownReadings(String name, long secondMib, int secondOffsetSeconds) {
        MemoryProjection projection = new MemoryProjection();
        projection.add(T0, 100 * MIB);
        projection.add(T0.plusSeconds(secondOffsetSeconds), secondMib < 0 ? -1 : secondMib * MIB);
        projection.add(T0.plusSeconds(10), 120 * MIB);

        assertThat(projection.projectedBytes(Duration.ofSeconds(5))).as("two readings only").isNaN();
    }

    static Stream<Arguments> repeats() {
        return Stream.of(Arguments.of("same time", 110L, 0), Arguments.of("earlier time", 110L, -5),
                Arguments.of("unknown working set", -1L, 5));
    }
}
