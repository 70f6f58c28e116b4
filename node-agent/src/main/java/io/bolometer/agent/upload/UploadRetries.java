package io.bolometer.agent.upload;

import io.bolometer.agent.store.StoreLocation;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The uploader's retry bookkeeping, pure and driven by the {@code now} it is given: per spool entry, how many
 * attempts failed and when it may go again; per store, a pause after a failure, so a thousand waiting profiles don't
 * hammer an unreachable S3 (after the pause, the uploader's slots probe it); and when a profile is given up (its
 * store refused it permanently {@code maxPermanentFailures} times). {@link SpoolUploader} owns the thread and asks.
 */
public final class UploadRetries {

    /** What a failed attempt leads to. */
    public sealed interface Outcome {
        /** The entry waits until {@code at}; {@code attempts} failed so far. */
        record RetryAt(Instant at, int attempts) implements Outcome {
        }

        /** The entry leaves the spool unsent after {@code attempts} failed attempts. */
        record GiveUp(int attempts) implements Outcome {
        }
    }

    private final Backoff backoff;
    private final int maxPermanentFailures;
    private final Duration drainRetry;
    private final Map<String, Waiter> entries = new HashMap<>();
    private final Map<StoreLocation, Waiter> stores = new HashMap<>();

    /**
     * @param drainRetry the longest wait while draining on shutdown: the grace period is all there is, so an
     *                   attempt that fails then is retried soon, not after the full backoff
     */
    public UploadRetries(Backoff backoff, int maxPermanentFailures, Duration drainRetry) {
        this.backoff = backoff;
        this.maxPermanentFailures = maxPermanentFailures;
        this.drainRetry = drainRetry;
    }

    /** True when neither the entry nor its store waits at {@code now}. */
    public boolean mayStart(String entryId, StoreLocation store, Instant now) {
        return !waiting(entries.get(entryId), now) && !waiting(stores.get(store), now);
    }

    /** Attempts of this entry that failed so far (a retry first cleans up what an earlier attempt left). */
    public int failedAttempts(String entryId) {
        Waiter entry = entries.get(entryId);
        return entry == null ? 0 : entry.attempts;
    }

    /**
     * Records a failed attempt at {@code now}: the entry waits its backoff, its store pauses unless it already does,
     * or the entry is given up once its store refused it permanently {@code maxPermanentFailures} times.
     */
    public Outcome failed(String entryId, StoreLocation store, boolean permanent, boolean draining, Instant now) {
        Waiter entry = entries.computeIfAbsent(entryId, id -> new Waiter());
        entry.attempts++;
        if (permanent && ++entry.permanent >= maxPermanentFailures) {
            entries.remove(entryId);
            return new Outcome.GiveUp(entry.attempts);
        }
        entry.until = now.plus(delay(entry.attempts, draining));
        Waiter paused = stores.computeIfAbsent(store, s -> new Waiter());
        if (!waiting(paused, now)) {
            paused.attempts++;
            paused.until = now.plus(delay(paused.attempts, draining));
        }
        return new Outcome.RetryAt(entry.until, entry.attempts);
    }

    /** The store accepted an entry: the entry is forgotten and the store's failure streak ends. */
    public void succeeded(String entryId, StoreLocation store) {
        entries.remove(entryId);
        Waiter paused = stores.get(store);
        if (paused != null) {
            paused.attempts = 0;
        }
    }

    /** Forgets entries no longer in the spool (uploaded elsewhere, dropped for the budget). */
    public void retainEntries(Set<String> ids) {
        entries.keySet().retainAll(ids);
    }

    /** Graceful shutdown: every entry and store may go again now, backoff aside. */
    public void releaseAll() {
        Stream.concat(entries.values().stream(), stores.values().stream()).forEach(waiter -> waiter.until = null);
    }

    /** The earliest moment after {@code now} when something waiting may go again, if anything waits. */
    public Optional<Instant> nextRelease(Instant now) {
        return Stream.concat(entries.values().stream(), stores.values().stream())
                .filter(waiter -> waiting(waiter, now)).map(waiter -> waiter.until).min(Instant::compareTo);
    }

    private Duration delay(int attempt, boolean draining) {
        Duration delay = backoff.delay(attempt);
        return draining && delay.compareTo(drainRetry) > 0 ? drainRetry : delay;
    }

    private static boolean waiting(Waiter waiter, Instant now) {
        return waiter != null && waiter.until != null && now.isBefore(waiter.until);
    }

    /** Failure count and wait of one entry or one store. */
    private static final class Waiter {
        int attempts;
        int permanent;
        Instant until;
    }
}
