package io.bolometer.agent.upload;

import io.bolometer.agent.store.StoreLocation;
import io.bolometer.agent.store.StoredProfile;
import io.bolometer.agent.spool.ProfileSpool;
import io.bolometer.agent.spool.SpooledProfile;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the spool into its sinks, oldest first, a few uploads at a time; a failed upload keeps its entry and is
 * retried with backoff, and an entry leaves the spool only once its sink confirmed the store.
 *
 * <p>All state lives on one daemon thread, so there are no locks: sink completions hop back onto it. When an entry
 * or its store may go again, and when an entry is given up, is {@link UploadRetries}' decision (pure, on the
 * clock's {@code now}); this class owns the thread, the slots and the sinks.
 *
 * <p>Stores share the slots fairly: with several stores waiting or uploading, each takes at most its share of the
 * slots, and stores with fewer uploads in flight go first, so a store that accepts connections and never answers
 * holds only its share until the timeout ({@value #UPLOAD_TIMEOUT_SECONDS} s, plus a second per MiB), never everyone's. A
 * profile its store refuses permanently (4xx but 408/429) {@value #MAX_PERMANENT_FAILURES} times leaves the spool
 * unsent and is counted ({@link UploadListener#abandoned}).
 */
public final class SpoolUploader implements AutoCloseable {

    /** Uploads in flight at once unless told otherwise. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 4;
    /** An upload not done after this (plus a second per MiB) counts as failed and is retried (a late finish is harmless). */
    public static final int UPLOAD_TIMEOUT_SECONDS = 60;
    public static final Duration UPLOAD_TIMEOUT = Duration.ofSeconds(UPLOAD_TIMEOUT_SECONDS);
    /** Permanent refusals (4xx) after which a profile is given up. */
    public static final int MAX_PERMANENT_FAILURES = 3;

    private static final Logger LOG = LoggerFactory.getLogger(SpoolUploader.class);

    /** The retry delay while draining on shutdown. */
    static final Duration DRAIN_RETRY = Duration.ofSeconds(1);
    private final ProfileSpool spool;
    private final Function<StoreLocation, ProfileSink> sinks;
    private final UploadListener listener;
    private final Clock clock;
    private final UploadRetries retries;
    private final int maxInFlight;
    private final ScheduledExecutorService executor;
    private final UploadFailureLog failures = new UploadFailureLog();

    // Confined to the executor's thread.
    private final Set<String> busy = new HashSet<>();
    private final Map<StoreLocation, Integer> inFlightByStore = new HashMap<>();
    /** When the pump is next woken for a retry, null when no wake-up is scheduled. */
    private Instant wakeAt;
    private final List<CompletableFuture<Boolean>> drains = new CopyOnWriteArrayList<>();
    private int inFlight;
    private boolean started;

    /** An uploader with {@value #DEFAULT_MAX_IN_FLIGHT} uploads in flight. */
    public SpoolUploader(ProfileSpool spool, Function<StoreLocation, ProfileSink> sinks, UploadListener listener,
                         Clock clock, Backoff backoff) {
        this(spool, sinks, listener, clock, backoff, DEFAULT_MAX_IN_FLIGHT);
    }

    /** An uploader with at most {@code maxInFlight} uploads in flight. */
    public SpoolUploader(ProfileSpool spool, Function<StoreLocation, ProfileSink> sinks, UploadListener listener,
                         Clock clock, Backoff backoff, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        this.spool = spool;
        this.sinks = sinks;
        this.listener = listener;
        this.clock = clock;
        this.retries = new UploadRetries(backoff, MAX_PERMANENT_FAILURES, DRAIN_RETRY);
        this.maxInFlight = maxInFlight;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spool-uploader");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts uploading what is pending, including what a previous run left in the spool. */
    public void start() {
        run(() -> {
            started = true;
            pump();
        });
    }

    /** Says a new entry was committed; cheap, call it after every commit. */
    public void wake() {
        run(this::pump);
    }

    /**
     * For graceful shutdown: retries every waiting entry now (backoff aside) and completes with {@code true} once
     * the spool is empty, or {@code false} when {@code timeout} passes first. Entries left stay for the next run.
     */
    public CompletableFuture<Boolean> drain(Duration timeout) {
        CompletableFuture<Boolean> drained = new CompletableFuture<>();
        drains.add(drained);
        try {
            executor.execute(() -> {
                started = true;
                retries.releaseAll();
                pump();
            });
            executor.schedule(() -> {
                drains.remove(drained);
                drained.complete(false);
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            drains.remove(drained);
            drained.complete(spool.count() == 0);
        }
        return drained;
    }

    /** Stops the uploader's thread; uploads in flight finish or not, their entries stay in the spool either way. */
    @Override
    public void close() {
        executor.shutdownNow();
        drains.forEach(drained -> drained.complete(spool.count() == 0));
        drains.clear();
    }

    /** Uploads in flight, read on the uploader's thread: tests use it as a barrier behind queued work. */
    CompletableFuture<Integer> inFlight() {
        return CompletableFuture.supplyAsync(() -> inFlight, executor);
    }

    private void pump() {
        if (!started) {
            return;
        }
        List<SpooledProfile> pending = spool.pending();
        Set<String> ids = new HashSet<>();
        Map<StoreLocation, List<SpooledProfile>> ready = new java.util.LinkedHashMap<>();
        Instant now = clock.instant();
        for (SpooledProfile entry : pending) {
            ids.add(entry.id());
            StoreLocation store = entry.record().store();
            if (!busy.contains(entry.id()) && retries.mayStart(entry.id(), store, now)) {
                ready.computeIfAbsent(store, s -> new java.util.ArrayList<>()).add(entry);
            }
        }
        retries.retainEntries(ids);
        // Fair shares: with several stores holding profiles, each gets at most its share of the slots, and
        // stores with fewer uploads in flight go first, so a store that never answers holds only its own share.
        // Every store with work counts, also one in backoff: else a silent store fills every slot meanwhile.
        Set<StoreLocation> active = new HashSet<>();
        pending.forEach(entry -> active.add(entry.record().store()));
        int perStore = Math.max(1, maxInFlight / Math.max(1, active.size()));
        boolean started;
        do {
            started = false;
            List<StoreLocation> order = new java.util.ArrayList<>(ready.keySet());
            order.sort(java.util.Comparator.comparingInt(s -> inFlightByStore.getOrDefault(s, 0)));
            for (StoreLocation store : order) {
                List<SpooledProfile> queue = ready.get(store);
                if (inFlight >= maxInFlight || queue.isEmpty() || inFlightByStore.getOrDefault(store, 0) >= perStore) {
                    continue;
                }
                SpooledProfile entry = queue.remove(0);
                begin(entry);
                started = true;
            }
        } while (started && inFlight < maxInFlight);
        if (inFlight == 0 && spool.count() == 0) {
            drains.forEach(drained -> drained.complete(true));
            drains.clear();
        }
        retries.nextRelease(now).ifPresent(this::wakeAt);
    }

    /** Pumps again at {@code at}, when something waiting may go (one wake-up pending at a time, the earliest). */
    private void wakeAt(Instant at) {
        if (wakeAt != null && !wakeAt.isAfter(at) && wakeAt.isAfter(clock.instant())) {
            return;
        }
        wakeAt = at;
        Duration delay = Duration.between(clock.instant(), at);
        try {
            executor.schedule(() -> {
                if (at.equals(wakeAt)) {
                    wakeAt = null;
                }
                pump();
            }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Closed: nothing retries any more; the entry stays in the spool for the next run.
        }
    }

    private void begin(SpooledProfile entry) {
        if (!spool.claim(entry)) {
            return; // dropped for the spool's budget since pending() was read
        }
        busy.add(entry.id());
        inFlight++;
        inFlightByStore.merge(entry.record().store(), 1, Integer::sum);
        Instant startedAt = clock.instant();
        CompletableFuture<String> stored;
        try {
            ProfileSink sink = sinks.apply(entry.record().store());
            StoredProfile profile = entry.toStored();
            // An earlier attempt (this run's, or a killed run's) may have left a multipart upload open for this key.
            boolean retry = retries.failedAttempts(entry.id()) > 0 || spool.fromPreviousRun(entry);
            stored = retry
                    ? sink.abortUnfinished(profile).handle((aborted, error) -> {
                        if (error != null) {
                            LOG.debug("Could not look for unfinished uploads of {}: {}", profile.objectKey(),
                                    UploadFailureLog.describe(UploadFailureLog.unwrap(error)));
                        }
                        return null;
                    }).thenCompose(ignored -> sink.store(profile))
                    : sink.store(profile);
        } catch (RuntimeException e) {
            stored = CompletableFuture.failedFuture(e);
        }
        Duration timeout = UPLOAD_TIMEOUT.plusSeconds(entry.sizeBytes() / (1024 * 1024));
        stored.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .whenComplete((key, error) -> run(() -> finished(entry, startedAt, key, error)));
    }

    private void finished(SpooledProfile entry, Instant startedAt, String storedKey, Throwable error) {
        inFlight--;
        busy.remove(entry.id());
        StoreLocation store = entry.record().store();
        inFlightByStore.merge(store, -1, Integer::sum);
        if (error == null) {
            succeeded(entry, startedAt, storedKey == null ? entry.record().objectKey() : storedKey, store);
        } else {
            spool.release(entry);
            Throwable cause = UploadFailureLog.unwrap(error);
            UploadRetries.Outcome outcome = retries.failed(entry.id(), store, isPermanent(cause), !drains.isEmpty(),
                    clock.instant());
            if (outcome instanceof UploadRetries.Outcome.GiveUp giveUp) {
                abandon(entry, cause, giveUp.attempts());
            } else if (outcome instanceof UploadRetries.Outcome.RetryAt retry) {
                failures.failed(store.toString(), cause, spool.count());
                notify(() -> listener.failed(entry, cause, retry.attempts()));
            }
        }
        pump();
    }

    private void succeeded(SpooledProfile entry, Instant startedAt, String storedKey, StoreLocation store) {
        try {
            spool.remove(entry);
        } catch (RuntimeException e) {
            // Stored already; the files left behind get uploaded again after a restart, to the same key.
            LOG.warn("Uploaded {} but could not delete it from the spool: {}", entry.record().objectKey(),
                    UploadFailureLog.describe(e));
        }
        retries.succeeded(entry.id(), store);
        failures.succeeded(store.toString());
        Duration took = Duration.between(startedAt, clock.instant());
        notify(() -> listener.uploaded(entry, storedKey, took));
    }

    /** A refusal that retrying won't change: a 4xx other than 408 (timeout) and 429 (slow down), or no free key. */
    static boolean isPermanent(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof S3ProfileSink.KeyTakenException) {
                return true;
            }
            if (c instanceof software.amazon.awssdk.core.exception.SdkServiceException service) {
                int status = service.statusCode();
                return status >= 400 && status < 500 && status != 408 && status != 429;
            }
        }
        return false;
    }

    private void abandon(SpooledProfile entry, Throwable cause, int attemptCount) {
        try {
            spool.remove(entry);
        } catch (RuntimeException e) {
            LOG.warn("Could not remove abandoned spool entry {}: {}", entry.id(), UploadFailureLog.describe(e));
        }
        LOG.warn("Gave up {} after {} attempts: {} refused it ({}); it left the spool unsent",
                entry.record().objectKey(), attemptCount, entry.record().store(), UploadFailureLog.describe(cause));
        notify(() -> listener.abandoned(entry, cause, attemptCount));
    }

    private void notify(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.warn("Upload listener failed: {}", e.toString());
        }
    }

    private void run(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // Closed: the spool keeps whatever was not confirmed.
        }
    }
}
