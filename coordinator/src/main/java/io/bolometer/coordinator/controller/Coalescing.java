package io.bolometer.coordinator.controller;

import java.time.Duration;
import java.time.Instant;

/**
 * When a burst of change notifications is due for its one reconcile: the pure rule behind {@link CoalescingQueue}.
 *
 * <p>A burst is due once it has been quiet for {@code quiet} <em>or for as long as it has lasted so far</em>,
 * whichever is longer, and never later than {@code maxDelay} after its first request. A fixed quiet gap made the
 * cost of a burst depend on the machine's speed: a 1,000-pod rollout whose events arrive with a stall longer
 * than the gap (a busy machine, a GC pause) was split into two reconciles and each touched node was written
 * twice. A gap that grows with the burst keeps a burst in one piece when its events arrive at any steady pace,
 * and a lone change still runs after {@code quiet}.
 *
 * <p>The max delay bounds how stale an assignment gets under steady churn; it also ends a burst that is still
 * arriving. 10 s split the bench's 1,000-pod burst whenever the mock API server took longer than that to accept it
 * (18 s at load 20, 26 s at load 8: 1.95 writes per node), so it is 30 s: under churn that never pauses, a new pod
 * is assigned within 30 s.
 */
public record Coalescing(Duration quiet, Duration maxDelay) {

    /** The coordinator's reconciles: 1 s of quiet (or the burst's length), at most 30 s after the first change. */
    public static final Coalescing RECONCILES = new Coalescing(Duration.ofSeconds(1), Duration.ofSeconds(30));

    public Coalescing {
        if (quiet.isNegative() || maxDelay.compareTo(quiet) < 0) {
            throw new IllegalArgumentException("need 0 <= quiet <= maxDelay, got " + quiet + " and " + maxDelay);
        }
    }

    /** The requests of one burst so far: its first and its latest. */
    public record Burst(Instant first, Instant last) {
        public static Burst startingAt(Instant now) {
            return new Burst(now, now);
        }

        /** The burst with one more request at {@code now} (a clock that went back does not move it back). */
        public Burst plus(Instant now) {
            return now.isAfter(last) ? new Burst(first, now) : this;
        }
    }

    /** When the burst's reconcile should run. */
    public Instant due(Burst burst) {
        Duration lasted = Duration.between(burst.first(), burst.last());
        Duration gap = lasted.compareTo(quiet) > 0 ? lasted : quiet;
        Instant quietEnough = burst.last().plus(gap);
        Instant latest = burst.first().plus(maxDelay);
        return quietEnough.isBefore(latest) ? quietEnough : latest;
    }

    /**
     * How long to wait at {@code now} before looking again: zero when due, else the time left, never longer than
     * {@code maxDelay} (a wall clock stepped back can't park the queue for longer than that).
     */
    public Duration wait(Burst burst, Instant now) {
        Duration left = Duration.between(now, due(burst));
        if (left.isNegative()) {
            return Duration.ZERO;
        }
        return left.compareTo(maxDelay) > 0 ? maxDelay : left;
    }
}
