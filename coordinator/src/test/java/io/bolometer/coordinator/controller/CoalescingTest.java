package io.bolometer.coordinator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * When a burst of changes gets its reconcile. The table plays the arrival times of one burst as machines of
 * different speeds deliver it (events further apart, stalls longer) and counts the runs the rule makes of it: one
 * run is one write per touched node ({@code assignment_writes_per_touched_node} in {@code make bench}).
 */
class CoalescingTest {
    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
    private static final Coalescing RULE = Coalescing.RECONCILES;

    static Stream<Arguments> bursts() {
        return Stream.of(
                Arguments.of("one change", List.of(0L), 1),
                Arguments.of("1,000 events in 0.5 s (a quiet machine)", evenly(1_000, 500), 1),
                Arguments.of("1,000 events in 3 s (a busy machine)", evenly(1_000, 3_000), 1),
                Arguments.of("1,000 events in 9 s (a very busy machine)", evenly(1_000, 9_000), 1),
                Arguments.of("1,000 events in 26 s (the bench's burst at load 8)", evenly(1_000, 26_000), 1),
                Arguments.of("1,000 events in 4.2 s, a 1.2 s stall halfway", stalled(1_000, 4_200, 1_200), 1),
                Arguments.of("1,000 events in 8 s, a 2.5 s stall halfway", stalled(1_000, 8_000, 2_500), 1),
                Arguments.of("events 1.5 s apart until 9.5 s, after 2 s of events (slower than the quiet gap)",
                        concat(evenly(100, 2_000), shift(spaced(1_500, 7_500), 2_000)), 1),
                Arguments.of("1,000 events in 8 s, jittered arrivals", jittered(1_000, 8_000), 1),
                // where the rule stops: a pause longer than the quiet gap and than the burst so far ends the burst
                Arguments.of("a 1.5 s stall after 0.75 s of events", stalled(1_000, 3_000, 1_500), 2),
                Arguments.of("two bursts 30 s apart", concat(evenly(500, 1_000), shift(evenly(500, 1_000), 30_000)), 2),
                Arguments.of("steady churn every 500 ms for 120 s: a run at least every 30 s", spaced(500, 120_000), 4));
    }

    @ParameterizedTest(name = "{0}: {2} run(s)")
    @MethodSource("bursts")
    void aBurstGetsOneRunWhateverThePaceOfItsEvents(String what, List<Long> arrivalsMillis, int runs) {
        assertThat(runs(arrivalsMillis)).as(what).isEqualTo(runs);
    }

    @Test
    void aLoneChangeRunsAfterTheQuietGap() {
        assertThat(RULE.due(Coalescing.Burst.startingAt(T0))).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void aBurstWaitsAsLongAsItHasLastedButNeverPastTheMaxDelay() {
        Coalescing.Burst burst = Coalescing.Burst.startingAt(T0).plus(T0.plusSeconds(3));
        assertThat(RULE.due(burst)).isEqualTo(T0.plusSeconds(6));

        assertThat(RULE.due(burst.plus(T0.plusSeconds(20)))).isEqualTo(T0.plusSeconds(30));
    }

    @Test
    void aClockThatWentBackNeitherMovesTheBurstBackNorParksTheQueuePastTheMaxDelay() {
        Coalescing.Burst burst = Coalescing.Burst.startingAt(T0).plus(T0.minusSeconds(3600));
        assertThat(burst.last()).isEqualTo(T0);

        assertThat(RULE.wait(burst, T0.minusSeconds(3600))).isEqualTo(Duration.ofSeconds(30));
        assertThat(RULE.wait(burst, T0.plusSeconds(2))).isZero();
        assertThat(RULE.wait(burst, T0.plusMillis(400))).isEqualTo(Duration.ofMillis(600));
    }

    @Test
    void refusesAQuietGapLongerThanTheMaxDelay() {
        assertThatThrownBy(() -> new Coalescing(Duration.ofSeconds(11), Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Plays {@link CoalescingQueue}'s loop on the given arrivals: the number of times the job would run. */
    private static int runs(List<Long> arrivalsMillis) {
        int runs = 0;
        Coalescing.Burst burst = null;
        int next = 0;
        Instant now = T0;
        for (int step = 0; step < 1_000_000 && (next < arrivalsMillis.size() || burst != null); step++) {
            Instant arrival = next < arrivalsMillis.size() ? T0.plusMillis(arrivalsMillis.get(next)) : Instant.MAX;
            Instant due = burst == null ? Instant.MAX : RULE.due(burst);
            if (!arrival.isAfter(due)) {
                now = arrival;
                burst = burst == null ? Coalescing.Burst.startingAt(now) : burst.plus(now);
                next++;
            } else {
                now = due;
                assertThat(RULE.wait(burst, now)).isZero();
                runs++;
                burst = null;
            }
        }
        return runs;
    }

    private static List<Long> evenly(int events, long overMillis) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            times.add(overMillis * i / Math.max(1, events - 1));
        }
        return times;
    }

    /** Events spread over {@code overMillis} with one stall of {@code stallMillis} halfway through. */
    private static List<Long> stalled(int events, long overMillis, long stallMillis) {
        List<Long> times = new ArrayList<>();
        long active = overMillis - stallMillis;
        for (int i = 0; i < events; i++) {
            long t = active * i / (events - 1);
            times.add(i >= events / 2 ? t + stallMillis : t);
        }
        return times;
    }

    private static List<Long> spaced(long everyMillis, long forMillis) {
        List<Long> times = new ArrayList<>();
        for (long t = 0; t <= forMillis; t += everyMillis) {
            times.add(t);
        }
        return times;
    }

    private static List<Long> jittered(int events, long overMillis) {
        Random random = new Random(15);
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            times.add((long) (random.nextDouble() * overMillis));
        }
        times.sort(Long::compare);
        return times;
    }

    private static List<Long> shift(List<Long> times, long byMillis) {
        return times.stream().map(t -> t + byMillis).toList();
    }

    private static List<Long> concat(List<Long> a, List<Long> b) {
        List<Long> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
