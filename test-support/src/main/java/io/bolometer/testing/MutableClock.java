package io.bolometer.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock the test moves by hand, so time-dependent decisions are checked without sleeping. Either standing
 * still ({@code new MutableClock(start)}) or running with a base clock and an offset the test sets
 * ({@link #aheadOf(Clock)}: code whose own threads need time to pass, such as the leader elector).
 */
public final class MutableClock extends Clock {
    private final Clock base;
    private volatile Duration offset = Duration.ZERO;

    public MutableClock(Instant start) {
        this(Clock.fixed(start, ZoneOffset.UTC));
    }

    private MutableClock(Clock base) {
        this.base = base;
    }

    /** A clock that runs with {@code base}, plus whatever the test {@link #advance advances} or {@link #set sets}. */
    public static MutableClock aheadOf(Clock base) {
        return new MutableClock(base);
    }

    public void advance(Duration step) {
        offset = offset.plus(step);
    }

    /** Sets how far this clock is ahead of its base (a fixed start or a running clock). */
    public void set(Duration ahead) {
        offset = ahead;
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
