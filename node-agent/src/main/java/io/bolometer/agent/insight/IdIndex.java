package io.bolometer.agent.insight;

import java.util.Arrays;

/**
 * Maps pprof ids (location, function) to dense indices 0, 1, 2… in first-seen order, up to a fixed number of ids.
 * Writers number ids 1, 2, 3… in order (Go's runtime and its {@code profile} package both do), so while they do the
 * index is the id minus one and costs nothing; at the first id out of that order it becomes an open-addressing
 * table of primitives, each key beside its value so a lookup touches one cache line.
 */
final class IdIndex {

    /** {@link #indexOf} answers this for an id never added. */
    static final int ABSENT = -1;
    private static final long EMPTY = Long.MIN_VALUE;

    private final int maxIds;
    private boolean sequential = true;
    private long[] table; // [key, value] pairs; null while sequential
    private int size;

    IdIndex(int maxIds) {
        this.maxIds = maxIds;
    }

    int size() {
        return size;
    }

    boolean isFull() {
        return size >= maxIds;
    }

    int indexOf(long id) {
        if (sequential) {
            return id >= 1 && id <= size ? (int) (id - 1) : ABSENT;
        }
        int mask = table.length / 2 - 1;
        for (int slot = slot(id, mask); ; slot = (slot + 1) & mask) {
            long key = table[2 * slot];
            if (key == EMPTY) {
                return ABSENT;
            }
            if (key == id) {
                return (int) table[2 * slot + 1];
            }
        }
    }

    /** The index of {@code id}, adding it when new; {@link #ABSENT} when it is new and the index is full. */
    int indexOrAdd(long id) {
        int found = indexOf(id);
        if (found != ABSENT || isFull()) {
            return found;
        }
        if (sequential && id == size + 1L) {
            return size++;
        }
        if (sequential) {
            sequential = false;
            table = emptyTable(Math.max(64, Integer.highestOneBit(size + 1) * 8));
            for (int i = 0; i < size; i++) {
                insertInto(table, i + 1L, i);
            }
        }
        if ((size + 1) * 4 > table.length) {
            grow();
        }
        insertInto(table, id, size);
        return size++;
    }

    private void grow() {
        long[] old = table;
        table = emptyTable(old.length * 2);
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != EMPTY) {
                insertInto(table, old[i], (int) old[i + 1]);
            }
        }
    }

    private static long[] emptyTable(int longs) {
        long[] table = new long[longs];
        Arrays.fill(table, EMPTY);
        return table;
    }

    private static void insertInto(long[] table, long id, int value) {
        int mask = table.length / 2 - 1;
        int slot = slot(id, mask);
        while (table[2 * slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        table[2 * slot] = id;
        table[2 * slot + 1] = value;
    }

    private static int slot(long id, int mask) {
        long h = id * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
