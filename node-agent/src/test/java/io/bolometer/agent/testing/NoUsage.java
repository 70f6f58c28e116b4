package io.bolometer.agent.testing;

import io.bolometer.agent.trigger.UsageSnapshot;
import io.bolometer.agent.trigger.UsageSource;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Usage sources for tests whose targets need no usage: periodic-only targets, or checks that must see nothing. */
public final class NoUsage implements UsageSource {
    private final Clock clock;

    private NoUsage(Clock clock) {
        this.clock = clock;
    }

    /** Every read fails (a periodic-only target never reads usage, so a read is a bug the test log shows). */
    public static UsageSource failing() {
        return new NoUsage(null);
    }

    /** Every read succeeds with no pods in it, stamped by {@code clock}. */
    public static UsageSource empty(Clock clock) {
        return new NoUsage(clock);
    }

    @Override
    public CompletableFuture<UsageSnapshot> sample() {
        if (clock == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("periodic-only targets read no usage"));
        }
        return CompletableFuture.completedFuture(new UsageSnapshot(clock.instant(), Map.of()));
    }

    @Override
    public String describe() {
        return clock == null ? "no usage source" : "no pods";
    }
}
