package io.bolometer.agent.capture;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on one profile fetch: how long to wait for a connection, for the next byte, and beyond the profile's own
 * duration, how many body bytes to accept, and how far the body may decompress (the gzip bomb guard).
 */
public record FetchLimits(Duration connectTimeout, Duration idleTimeout, Duration grace, long maxBytes,
                          long maxDecompressedBytes) {

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
        if (maxDecompressedBytes <= 0) {
            throw new IllegalArgumentException("maxDecompressedBytes must be positive, was " + maxDecompressedBytes);
        }
    }

    /** As above, with the default decompressed-size cap ({@link PprofValidator#DEFAULT_MAX_DECOMPRESSED_BYTES}). */
    public FetchLimits(Duration connectTimeout, Duration idleTimeout, Duration grace, long maxBytes) {
        this(connectTimeout, idleTimeout, grace, maxBytes, PprofValidator.DEFAULT_MAX_DECOMPRESSED_BYTES);
    }

    /** 5 s to connect, 30 s without a byte, 15 s beyond the profile's duration, 64 MiB of body, 256 MiB unzipped. */
    public static FetchLimits defaults() {
        return new FetchLimits(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(15), 64L * 1024 * 1024);
    }
}
