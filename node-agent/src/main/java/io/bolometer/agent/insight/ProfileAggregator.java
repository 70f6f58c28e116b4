package io.bolometer.agent.insight;

import io.bolometer.agent.pprof.ProtoReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a {@code perftools.profiles.Profile} as it streams by and sums each sample's values per function, flat
 * (innermost frame) and cumulative (anywhere on the stack, once per sample), without keeping the samples.
 *
 * <p>Go's runtime writes each location and function before the first sample that uses it, so one pass is enough.
 * Writers that put all samples first (the {@code profile} package, {@code go tool pprof -proto}) make the first
 * sample with an unknown location the start of a deferred range that {@link #readSamples} reads in a second pass.
 *
 * <p>Memory is bounded whatever the input size: at most {@link #MAX_LOCATIONS} locations and
 * {@link #MAX_FUNCTIONS} functions are tracked (frames beyond them count towards one {@link #OTHER_FUNCTIONS}
 * entry), at most {@link #MAX_VALUE_COLUMNS} values per sample, and names up to {@link #MAX_NAME_BYTES} bytes each
 * and {@link #MAX_KEPT_STRING_BYTES} in all.
 */
final class ProfileAggregator {

    static final int MAX_LOCATIONS = 1 << 18;
    static final int MAX_FUNCTIONS = 1 << 16;
    static final int MAX_VALUE_COLUMNS = 16;
    static final int MAX_NAME_BYTES = 1024;
    static final long MAX_KEPT_STRING_BYTES = 4L * 1024 * 1024;
    /** Strings below this index are kept whatever they are: encoders intern sample type names first. */
    static final int EARLY_STRINGS = 256;
    static final String OTHER_FUNCTIONS = "(other functions)";
    private static final int OVERFLOW = MAX_FUNCTIONS;
    private static final int STAMP = 0;
    private static final int FRAMES_FROM_LEAF = 1;
    private static final int HOLDING = 2;
    private static final int FLAT = 3;

    // sample types: string indices of each type's name, and the default's name
    final List<Long> sampleTypeNames = new ArrayList<>();
    long defaultSampleTypeName = -1;
    final Map<Long, String> strings = new HashMap<>();

    private final IdIndex locations = new IdIndex(MAX_LOCATIONS);
    private long[] locationLines = new long[256]; // start in linePool << 32 | count
    private int[] linePool = new int[1024];
    private int linePoolSize;

    private final IdIndex functions = new IdIndex(MAX_FUNCTIONS);
    private long[] functionIds = new long[256];
    private long[] functionNames = new long[256];
    /**
     * Per function slot, side by side so that a frame touches one cache line: the last sample that counted it,
     * its frames from the leaf summed over the samples holding it (callers sit further out), how many samples
     * hold it, its flat sums and its cumulative sums (one per column).
     */
    private long[] sums = new long[0];
    private int stride;
    private boolean overflowUsed;

    private int columns = -1;
    private long[] totals = new long[0];
    private long samplesSeen;
    private long deferredFrom = -1;
    private long stringCount;
    private long keptStringBytes;
    private final BitSet wantedStrings = new BitSet();

    // per-sample scratch, reused
    private long[] stack = new long[128];
    private int depth;
    private long[] values = new long[MAX_VALUE_COLUMNS];
    private int valueCount;

    /** True when some samples came before their locations and need {@link #readSamples}. */
    boolean hasDeferredSamples() {
        return deferredFrom >= 0;
    }

    /** The first pass: everything, aggregating samples whose locations are already known. */
    void readAll(ProtoReader r) throws IOException {
        long sample = 0;
        while (!r.atEnd()) {
            long tag = r.tag(Long.MAX_VALUE);
            int field = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            switch (field) {
                case 1 -> valueType(r, r.lengthDelimited(wireType, Long.MAX_VALUE));
                case 2 -> {
                    long end = r.lengthDelimited(wireType, Long.MAX_VALUE);
                    if (deferredFrom >= 0) {
                        r.skipTo(end);
                    } else if (!sample(r, end, false)) {
                        deferredFrom = sample;
                    }
                    sample++;
                }
                case 4 -> location(r, r.lengthDelimited(wireType, Long.MAX_VALUE));
                case 5 -> function(r, r.lengthDelimited(wireType, Long.MAX_VALUE));
                case 6 -> string(r, r.lengthDelimited(wireType, Long.MAX_VALUE));
                case 14 -> {
                    if (wireType != ProtoReader.VARINT) {
                        throw new ProfileSummarizer.Unreadable("default_sample_type is not a varint");
                    }
                    defaultSampleTypeName = wantString(r.varint(Long.MAX_VALUE));
                }
                default -> r.skipField(wireType, Long.MAX_VALUE);
            }
        }
    }

    /** The second pass: only the samples from the first deferred one on, now that every location is known. */
    void readSamples(ProtoReader r) throws IOException {
        long sample = 0;
        while (!r.atEnd()) {
            long tag = r.tag(Long.MAX_VALUE);
            int wireType = (int) (tag & 7);
            if (tag >>> 3 == 2) {
                long end = r.lengthDelimited(wireType, Long.MAX_VALUE);
                if (sample++ >= deferredFrom) {
                    sample(r, end, true);
                } else {
                    r.skipTo(end);
                }
            } else {
                r.skipField(wireType, Long.MAX_VALUE);
            }
        }
        deferredFrom = -1;
    }

    int columns() {
        return Math.max(columns, 0);
    }

    long total(int column) {
        return column < totals.length ? totals[column] : 0;
    }

    /** How many function slots carry sums (tracked functions, plus the overflow slot when used). */
    int functionSlots() {
        return overflowUsed ? OVERFLOW + 1 : functions.size();
    }

    long flat(int slot, int column) {
        return columns > 0 ? sums[slot * stride + FLAT + column] : 0;
    }

    long cum(int slot, int column) {
        return columns > 0 ? sums[slot * stride + FLAT + columns + column] : 0;
    }

    /** How many frames from the leaf the function sits on average: larger for callers than for their callees. */
    double meanFramesFromLeaf(int slot) {
        if (columns < 0 || sums[slot * stride + HOLDING] == 0) {
            return 0;
        }
        return (double) sums[slot * stride + FRAMES_FROM_LEAF] / sums[slot * stride + HOLDING];
    }

    String functionName(int slot) {
        if (slot == OVERFLOW) {
            return OTHER_FUNCTIONS;
        }
        String name = strings.get(functionNames[slot]);
        return name == null || name.isEmpty() ? "(function #" + functionIds[slot] + ")" : name;
    }

    /** ValueType {type = 1}: the sample type's name. */
    private void valueType(ProtoReader r, long end) throws IOException {
        sampleTypeNames.add(wantString(fieldOneVarint(r, end)));
    }

    /** Aggregates one sample; false (and nothing summed) when it names a location not seen yet. */
    private boolean sample(ProtoReader r, long end, boolean secondPass) throws IOException {
        depth = 0;
        valueCount = 0;
        while (r.position() < end) {
            long tag = r.tag(end);
            int wireType = (int) (tag & 7);
            switch ((int) (tag >>> 3)) {
                case 1 -> r.repeatedVarint(wireType, end, this::pushLocation);
                case 2 -> r.repeatedVarint(wireType, end, this::pushValue);
                default -> r.skipField(wireType, end);
            }
        }
        r.expectAt(end);
        if (columns < 0) {
            startColumns(valueCount);
        } else if (valueCount != columns) {
            throw new ProfileSummarizer.Unreadable("a sample has " + valueCount + " values, others " + columns);
        }
        for (int i = 0; i < depth; i++) {
            int index = locations.indexOf(stack[i]);
            if (index == IdIndex.ABSENT && !locations.isFull()) {
                if (secondPass) {
                    throw new ProfileSummarizer.Unreadable("a sample names location " + stack[i]
                            + ", which the profile does not define");
                }
                return false;
            }
            stack[i] = index;
        }
        accumulate();
        return true;
    }

    private void accumulate() {
        samplesSeen++;
        long stamp = samplesSeen;
        for (int c = 0; c < columns; c++) {
            totals[c] += values[c];
        }
        boolean leaf = true;
        int frame = 0;
        for (int i = 0; i < depth; i++) {
            int location = (int) stack[i];
            int start = location == IdIndex.ABSENT ? 0 : (int) (locationLines[location] >>> 32);
            int count = location == IdIndex.ABSENT ? 1 : (int) locationLines[location];
            for (int line = 0; line < count; line++) {
                int slot = location == IdIndex.ABSENT ? useOverflow() : linePool[start + line];
                int base = slot * stride;
                if (leaf) {
                    add(base + FLAT);
                    leaf = false;
                }
                if (sums[base + STAMP] != stamp) {
                    sums[base + STAMP] = stamp;
                    sums[base + FRAMES_FROM_LEAF] += frame;
                    sums[base + HOLDING]++;
                    add(base + FLAT + columns);
                }
                frame++;
            }
        }
    }

    private void add(int at) {
        for (int c = 0; c < columns; c++) {
            sums[at + c] += values[c];
        }
    }

    private void startColumns(int count) throws ProfileSummarizer.Unreadable {
        if (count > MAX_VALUE_COLUMNS) {
            throw new ProfileSummarizer.Unreadable("samples have " + count + " values; at most " + MAX_VALUE_COLUMNS
                    + " are summarised");
        }
        columns = count;
        stride = FLAT + 2 * count;
        totals = new long[count];
        sums = new long[functionIds.length * stride];
    }

    private void pushLocation(long id) {
        if (depth == stack.length) {
            stack = Arrays.copyOf(stack, depth * 2);
        }
        stack[depth++] = id;
    }

    private void pushValue(long value) throws ProfileSummarizer.Unreadable {
        if (valueCount == MAX_VALUE_COLUMNS) {
            throw new ProfileSummarizer.Unreadable("samples have more than " + MAX_VALUE_COLUMNS + " values");
        }
        values[valueCount++] = value;
    }

    /** Location {id = 1, line = 4 (Line {function_id = 1})}: remembers which functions its lines name. */
    private void location(ProtoReader r, long end) throws IOException {
        long id = 0;
        int start = linePoolSize;
        while (r.position() < end) {
            long tag = r.tag(end);
            int wireType = (int) (tag & 7);
            switch ((int) (tag >>> 3)) {
                case 1 -> id = r.varint(end);
                case 4 -> line(r, r.lengthDelimited(wireType, end));
                default -> r.skipField(wireType, end);
            }
        }
        r.expectAt(end);
        int before = locations.size();
        int index = locations.indexOrAdd(id);
        if (index == IdIndex.ABSENT || locations.size() == before) {
            linePoolSize = start; // over the cap (counts as other functions), or a repeated id (first one wins)
            return;
        }
        if (index == locationLines.length) {
            locationLines = Arrays.copyOf(locationLines, index * 2);
        }
        locationLines[index] = (long) start << 32 | (linePoolSize - start);
    }

    /** Line {function_id = 1}: the function, added to the location's lines. */
    private void line(ProtoReader r, long end) throws IOException {
        long functionId = fieldOneVarint(r, end);
        if (functionId == 0) {
            return;
        }
        if (linePoolSize == linePool.length) {
            linePool = Arrays.copyOf(linePool, linePoolSize * 2);
        }
        linePool[linePoolSize++] = functionSlot(functionId);
    }

    /** Reads a message to {@code end} and returns its varint field 1 (the last one, as protobuf merges), or 0. */
    private static long fieldOneVarint(ProtoReader r, long end) throws IOException {
        long value = 0;
        while (r.position() < end) {
            long tag = r.tag(end);
            if (tag >>> 3 == 1 && (tag & 7) == ProtoReader.VARINT) {
                value = r.varint(end);
            } else {
                r.skipField((int) (tag & 7), end);
            }
        }
        r.expectAt(end);
        return value;
    }

    /** Function {id = 1, name = 2}. */
    private void function(ProtoReader r, long end) throws IOException {
        long id = 0;
        long name = 0;
        while (r.position() < end) {
            long tag = r.tag(end);
            int wireType = (int) (tag & 7);
            switch ((int) (tag >>> 3)) {
                case 1 -> id = r.varint(end);
                case 2 -> name = r.varint(end);
                default -> r.skipField(wireType, end);
            }
        }
        r.expectAt(end);
        int slot = functionSlot(id);
        if (slot != OVERFLOW) {
            functionNames[slot] = wantString(name);
        }
    }

    private int functionSlot(long id) {
        int before = functions.size();
        int slot = functions.indexOrAdd(id);
        if (slot == IdIndex.ABSENT) {
            return useOverflow();
        }
        if (functions.size() > before) {
            ensureSlots(slot + 1);
            functionIds[slot] = id;
        }
        return slot;
    }

    private int useOverflow() {
        if (!overflowUsed) {
            overflowUsed = true;
            ensureSlots(OVERFLOW + 1);
        }
        return OVERFLOW;
    }

    private void ensureSlots(int slots) {
        if (slots <= functionIds.length) {
            return;
        }
        int capacity = Math.max(slots, Math.min(functionIds.length * 2, OVERFLOW + 1));
        functionIds = Arrays.copyOf(functionIds, capacity);
        functionNames = Arrays.copyOf(functionNames, capacity);
        if (columns >= 0) {
            sums = Arrays.copyOf(sums, capacity * stride);
        }
    }

    private void string(ProtoReader r, long end) throws IOException {
        long index = stringCount++;
        boolean wanted = index < EARLY_STRINGS || (index <= Integer.MAX_VALUE && wantedStrings.get((int) index));
        if (wanted && keptStringBytes < MAX_KEPT_STRING_BYTES) {
            String value = r.string(end, MAX_NAME_BYTES);
            keptStringBytes += value.length();
            strings.put(index, value);
        } else {
            r.skipTo(end);
        }
    }

    private long wantString(long index) {
        if (index >= 0 && index <= Integer.MAX_VALUE) {
            wantedStrings.set((int) index);
        }
        return index;
    }
}
