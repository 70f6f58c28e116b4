package io.bolometer.agent.trigger;

import java.util.concurrent.CompletableFuture;

/**
 * Where pod usage comes from: the kubelet's summary API in a cluster, {@code /proc} in standalone mode.
 * A failed future carries a {@link UsageSourceException} saying what went wrong.
 */
public interface UsageSource extends AutoCloseable {

    CompletableFuture<UsageSnapshot> sample();

    /** Where the samples come from, for logs (never a token). */
    String describe();

    @Override
    default void close() {
    }
}
