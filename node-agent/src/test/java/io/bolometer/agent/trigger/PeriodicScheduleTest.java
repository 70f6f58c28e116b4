package io.bolometer.agent.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PeriodicScheduleTest {
    private static final Duration INTERVAL = Duration.ofSeconds(35);

    @Test
    void firesOncePerIntervalAtAStableOffset() {
        PeriodicSchedule schedule = new PeriodicSchedule("default/app|default/app-1", INTERVAL);
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        Instant first = schedule.nextAfter(now);
        Instant second = schedule.nextAfter(first);

        assertThat(first).isAfter(now);
        assertThat(Duration.between(now, first)).isLessThanOrEqualTo(INTERVAL);
        assertThat(Duration.between(first, second)).isEqualTo(INTERVAL);
        assertThat(new PeriodicSchedule("default/app|default/app-1", INTERVAL).nextAfter(now)).isEqualTo(first);
    }

    @Test
    void spreadsManyTargetsAcrossTheInterval() {
        Set<Long> offsetSeconds = new HashSet<>();
        for (int i = 1; i <= 110; i++) {
            offsetSeconds.add(PeriodicSchedule.offsetMillis("cfg|ns/pod-" + i, INTERVAL) / 1000);
        }
        // 110 targets over 35 one-second slots: a hash spread fills nearly all of them
        assertThat(offsetSeconds).hasSizeGreaterThan(25);
        assertThat(offsetSeconds).allMatch(s -> s >= 0 && s < 35);
    }
}
