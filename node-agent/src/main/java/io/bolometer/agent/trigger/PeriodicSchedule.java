package io.bolometer.agent.trigger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.zip.CRC32;

/**
 * When a target's periodic ("on-demand") captures fire: every {@code interval}, at an offset derived from a
 * hash of the target so that a hundred pods with the same interval don't all fire in the same second, and so
 * that a restarted agent keeps the same phase.
 */
public final class PeriodicSchedule {
    private final Duration interval;
    private final long offsetMillis;

    public PeriodicSchedule(String targetKey, Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.interval = interval;
        this.offsetMillis = offsetMillis(targetKey, interval);
    }

    /** A stable offset in {@code [0, interval)} for the target. */
    public static long offsetMillis(String targetKey, Duration interval) {
        CRC32 crc = new CRC32();
        crc.update(targetKey.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % interval.toMillis();
    }

    /** The first firing time strictly after {@code now}. */
    public Instant nextAfter(Instant now) {
        long period = interval.toMillis();
        long nowMillis = now.toEpochMilli();
        long k = Math.floorDiv(nowMillis - offsetMillis, period) + 1;
        return Instant.ofEpochMilli(k * period + offsetMillis);
    }

    public Duration interval() {
        return interval;
    }
}
