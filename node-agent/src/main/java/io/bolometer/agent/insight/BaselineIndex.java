package io.bolometer.agent.insight;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which baselines a bounded store keeps: at most {@code maxEntries} slots and {@code maxBytes} in all, the
 * newest ones; no I/O, so the policy is tested on its own and the store only carries out its answers.
 *
 * @param <K> what identifies a slot (one pod and profile type)
 */
final class BaselineIndex<K extends Comparable<K>> {

    /** The answer to {@link #admit}: whether the new baseline goes in, and which slots leave to make room. */
    record Admission<K>(boolean admitted, List<K> evicted) {
        static <K> Admission<K> refused() {
            return new Admission<>(false, List.of());
        }
    }

    private record Entry<K>(K key, Instant time, long bytes) {
    }

    private final int maxEntries;
    private final long maxBytes;
    private final Map<K, Entry<K>> entries = new HashMap<>();
    private long totalBytes;

    BaselineIndex(int maxEntries, long maxBytes) {
        if (maxEntries < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("maxEntries and maxBytes must be positive");
        }
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /**
     * Admits a baseline of {@code bytes} captured at {@code time} into slot {@code key}, replacing the slot's
     * previous one unless that is newer; evicts the oldest other slots while the bounds are exceeded, and refuses
     * (changing nothing) when the new baseline would itself be the oldest to go or is larger than the whole budget.
     */
    Admission<K> admit(K key, Instant time, long bytes) {
        Entry<K> previous = entries.get(key);
        if (bytes > maxBytes || (previous != null && previous.time().isAfter(time))) {
            return Admission.refused();
        }
        Entry<K> incoming = new Entry<>(key, time, bytes);
        List<Entry<K>> byAge = new ArrayList<>(entries.values());
        byAge.remove(previous);
        byAge.add(incoming);
        byAge.sort(Comparator.comparing((Entry<K> e) -> e.time()).thenComparing(Entry::key));
        int count = byAge.size();
        long used = totalBytes - (previous == null ? 0 : previous.bytes()) + bytes;
        List<K> evicted = new ArrayList<>();
        for (int i = 0; i < byAge.size() && (count > maxEntries || used > maxBytes); i++) {
            Entry<K> oldest = byAge.get(i);
            if (oldest == incoming) {
                return Admission.refused();
            }
            evicted.add(oldest.key());
            count--;
            used -= oldest.bytes();
        }
        evicted.forEach(this::remove);
        remove(key);
        entries.put(key, incoming);
        totalBytes += bytes;
        return new Admission<>(true, List.copyOf(evicted));
    }

    /** Forgets a slot (its file is gone or unreadable). */
    void remove(K key) {
        Entry<K> removed = entries.remove(key);
        if (removed != null) {
            totalBytes -= removed.bytes();
        }
    }

    boolean contains(K key) {
        return entries.containsKey(key);
    }

    int size() {
        return entries.size();
    }

    long bytes() {
        return totalBytes;
    }
}
