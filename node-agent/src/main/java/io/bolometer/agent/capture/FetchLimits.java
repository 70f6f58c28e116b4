package io.bolometer.agent.capture;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on one profile fetch: how long to wait for a connection, for the next byte, and beyond the profile's own
 * duration, and how many body bytes to accept.
 */
public record FetchLimits(Duration connectTimeout, Duration idleTimeout, Duration grace, long maxBytes) {

    public FetchLimits {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(grace, "grace");
        if (connectTimeout.isNegative() || connectTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()
                || grace.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive and grace not negative: " + connectTimeout
                    + ", " + idleTimeout + ", " + grace);
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
    }

    /** 5 s to connect, 30 s without a byte, 15 s beyond the profile's duration, 64 MiB of body. */
    public static FetchLimits defaults() {
        return new FetchLimits(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(15), 64L * 1024 * 1024);
    }
}
