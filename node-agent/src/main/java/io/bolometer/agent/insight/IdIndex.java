package io.bolometer.agent.insight;

import java.util.Arrays;

/**
 * Maps pprof ids (location, function) to dense indices 0, 1, 2… in first-seen order, up to a fixed number of ids:
 * an open-addressing table of primitives, so a million ids cost about 12 bytes each instead of a boxed map's ~60.
 */
final class IdIndex {

    /** {@link #indexOf} answers this for an id never added. */
    static final int ABSENT = -1;

    private final int maxIds;
    private long[] keys;
    private int[] values;
    private int size;

    IdIndex(int maxIds) {
        this.maxIds = maxIds;
        this.keys = new long[64];
        this.values = new int[64];
        Arrays.fill(values, ABSENT);
    }

    int size() {
        return size;
    }

    boolean isFull() {
        return size >= maxIds;
    }

    int indexOf(long id) {
        int mask = keys.length - 1;
        for (int slot = slot(id, mask); ; slot = (slot + 1) & mask) {
            if (values[slot] == ABSENT) {
                return ABSENT;
            }
            if (keys[slot] == id) {
                return values[slot];
            }
        }
    }

    /** The index of {@code id}, adding it when new; {@link #ABSENT} when it is new and the index is full. */
    int indexOrAdd(long id) {
        int found = indexOf(id);
        if (found != ABSENT || isFull()) {
            return found;
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(id, size);
        return size++;
    }

    private void insert(long id, int value) {
        int mask = keys.length - 1;
        int slot = slot(id, mask);
        while (values[slot] != ABSENT) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = id;
        values[slot] = value;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldValues.length * 2];
        Arrays.fill(values, ABSENT);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != ABSENT) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int slot(long id, int mask) {
        long h = id * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
