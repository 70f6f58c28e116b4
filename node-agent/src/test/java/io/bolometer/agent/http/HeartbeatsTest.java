package io.bolometer.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeartbeatsTest {

    private static final Duration STUCK_AFTER = Duration.ofSeconds(30);
    private static final long NOW = TimeUnit.SECONDS.toNanos(1_000);

    @Test
    void aThreadThatBeatWithinTheLimitIsHealthy() {
        assertThat(Heartbeats.problems(beats(0, 29), NOW, STUCK_AFTER)).isEmpty();
        assertThat(Heartbeats.problems(beats(0, 30), NOW, STUCK_AFTER)).isEmpty();
    }

    @Test
    void eachThreadSilentPastTheLimitIsNamedWithHowLong() {
        assertThat(Heartbeats.problems(beats(31, 2, 95), NOW, STUCK_AFTER)).containsExactly(
                "event loop 0 blocked: no heartbeat for 31 s (limit 30 s)",
                "scheduler thread blocked: no heartbeat for 95 s (limit 30 s)");
    }

    /** Event loops then the scheduler, each with the seconds since its last beat. */
    private static Map<String, Long> beats(long... secondsAgo) {
        Map<String, Long> beats = new LinkedHashMap<>();
        for (int i = 0; i < secondsAgo.length - 1; i++) {
            beats.put("event loop " + i, NOW - TimeUnit.SECONDS.toNanos(secondsAgo[i]));
        }
        beats.put("scheduler thread", NOW - TimeUnit.SECONDS.toNanos(secondsAgo[secondsAgo.length - 1]));
        return beats;
    }
}
