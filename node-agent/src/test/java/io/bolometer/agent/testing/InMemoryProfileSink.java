package io.bolometer.agent.testing;

import io.bolometer.agent.upload.ProfileSink;
import io.bolometer.agent.store.StoredProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A {@link ProfileSink} in memory: keeps what it stored, can fail the first N attempts per key, and can hold
 * completions until the test releases them (to see what happens while an upload is in flight).
 */
public final class InMemoryProfileSink implements ProfileSink {

    /** One stored object: body bytes as read at store time, with its metadata and tags. */
    public record Stored(byte[] body, Map<String, String> metadata, Map<String, String> tags) {
    }

    private final Map<String, Stored> objects = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
    private final List<String> cleanups = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile int failuresPerKey;
    private volatile Predicate<String> down = key -> false;
    private volatile boolean holding;
    private volatile boolean closed;

    /** Fails the first {@code n} attempts of every key. */
    public InMemoryProfileSink failFirst(int n) {
        this.failuresPerKey = n;
        return this;
    }

    /** Fails every attempt whose key matches, until set back. */
    public InMemoryProfileSink down(Predicate<String> keys) {
        this.down = keys;
        return this;
    }

    /** Holds completions until {@link #releaseOne()} or {@link #releaseAll()}. */
    public InMemoryProfileSink hold(boolean hold) {
        this.holding = hold;
        return this;
    }

    /** Records the key; the uploader calls this before a retry. */
    @Override
    public CompletableFuture<Void> abortUnfinished(StoredProfile profile) {
        cleanups.add(profile.objectKey());
        return CompletableFuture.completedFuture(null);
    }

    /** Keys for which unfinished uploads were cleaned up, in call order. */
    public List<String> cleanups() {
        return List.copyOf(cleanups);
    }

    @Override
    public CompletableFuture<String> store(StoredProfile profile) {
        String key = profile.objectKey();
        int attempt = attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (attempt <= failuresPerKey || down.test(key)) {
            return CompletableFuture.failedFuture(new IOException("sink refuses attempt " + attempt + " of " + key));
        }
        byte[] body;
        try {
            body = Files.readAllBytes(profile.body());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new UncheckedIOException(e));
        }
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<String> result = done.thenApply(ignored -> {
            objects.put(key, new Stored(body, profile.metadata(), profile.tags()));
            successes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            inFlight.decrementAndGet();
            return key;
        });
        if (holding) {
            held.add(done);
        } else {
            done.complete(null);
        }
        return result;
    }

    /** Completes the oldest held upload; false when none is held. */
    public boolean releaseOne() {
        if (held.isEmpty()) {
            return false;
        }
        held.remove(0).complete(null);
        return true;
    }

    /** Completes every held upload. */
    public void releaseAll() {
        while (releaseOne()) {
            // keep going
        }
    }

    public int heldCount() {
        return held.size();
    }

    public Map<String, Stored> objects() {
        return Map.copyOf(objects);
    }

    public int attempts(String key) {
        AtomicInteger n = attempts.get(key);
        return n == null ? 0 : n.get();
    }

    public int successes(String key) {
        AtomicInteger n = successes.get(key);
        return n == null ? 0 : n.get();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public String describe() {
        return "memory";
    }

    @Override
    public void close() {
        closed = true;
    }
}
