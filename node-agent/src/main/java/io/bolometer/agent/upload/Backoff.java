package io.bolometer.agent.upload;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Delay before retry number {@code attempt}: doubling from {@code initial} up to {@code max}, with random jitter. */
public record Backoff(Duration initial, Duration max, double jitter) {

    /** 1 s doubling to a 60 s cap, each delay randomly shortened by up to 20 % so agents don't retry in step. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2);

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1), was " + jitter);
        }
    }

    /** The delay after the {@code attempt}-th consecutive failure (1-based). */
    public Duration delay(int attempt) {
        long maxNanos = max.toNanos();
        long nanos = initial.toNanos();
        for (int i = 1; i < attempt && nanos < maxNanos; i++) {
            nanos = nanos > maxNanos / 2 ? maxNanos : nanos * 2;
        }
        if (jitter > 0) {
            nanos -= (long) (nanos * jitter * ThreadLocalRandom.current().nextDouble());
        }
        return Duration.ofNanos(nanos);
    }
}
