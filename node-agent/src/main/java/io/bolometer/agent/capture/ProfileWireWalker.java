package io.bolometer.agent.capture;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

/**
 * Walks the protobuf wire format of a {@code perftools.profiles.Profile} as a stream, checking that every field is
 * well-formed and that the profile has the parts every pprof reader relies on.
 */
final class ProfileWireWalker {

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LEN = 2;
    private static final int FIXED32 = 5;

    /** The decompressed body breaks the wire format or the Profile schema; the message says where. */
    static final class Malformed extends IOException {
        Malformed(String message) {
            super(message);
        }
    }

    record Summary(int sampleTypes, long samples) {
    }

    private final InputStream in;
    private final byte[] scratch = new byte[8192];
    private long pos;

    private int sampleTypes;
    private long samples;
    private long strings;
    private long maxStringIndex = -1;
    private final Set<Integer> valueCounts = new HashSet<>();

    ProfileWireWalker(InputStream in) {
        this.in = in;
    }

    Summary walk() throws IOException {
        while (true) {
            int firstByte = in.read();
            if (firstByte < 0) {
                break;
            }
            pos++;
            long tag = varintFrom(firstByte, Long.MAX_VALUE);
            topLevelField(tag);
        }
        if (sampleTypes == 0) {
            throw new Malformed("no sample_type");
        }
        if (strings == 0) {
            throw new Malformed("no string_table");
        }
        if (maxStringIndex >= strings) {
            throw new Malformed("string index " + maxStringIndex + " outside a string_table of " + strings);
        }
        for (int count : valueCounts) {
            if (count != sampleTypes) {
                throw new Malformed("a sample has " + count + " values for " + sampleTypes + " sample types");
            }
        }
        return new Summary(sampleTypes, samples);
    }

    private void topLevelField(long tag) throws IOException {
        int field = fieldNumber(tag);
        int wireType = (int) (tag & 7);
        switch (field) {
            case 1, 11 -> {
                long end = lengthDelimited(field, wireType, Long.MAX_VALUE);
                valueType(end);
                if (field == 1) {
                    sampleTypes++;
                }
            }
            case 2 -> {
                sample(lengthDelimited(field, wireType, Long.MAX_VALUE));
                samples++;
            }
            case 3, 4, 5 -> message(lengthDelimited(field, wireType, Long.MAX_VALUE));
            case 6 -> {
                long end = lengthDelimited(field, wireType, Long.MAX_VALUE);
                if (strings == 0 && end != pos) {
                    throw new Malformed("string_table[0] is not the empty string");
                }
                skipTo(end);
                strings++;
            }
            case 7, 8, 9, 10, 12 -> varintField(field, wireType, Long.MAX_VALUE);
            case 14, 15 -> maxStringIndex = Math.max(maxStringIndex, varintField(field, wireType, Long.MAX_VALUE));
            case 13 -> repeatedVarint(field, wireType, Long.MAX_VALUE);
            default -> throw new Malformed("unknown Profile field " + field + " at byte " + pos);
        }
    }

    /** ValueType {type = 1, unit = 2}: both indices into the string table. */
    private void valueType(long end) throws IOException {
        while (pos < end) {
            long tag = varint(end);
            int field = fieldNumber(tag);
            int wireType = (int) (tag & 7);
            if (field == 1 || field == 2) {
                maxStringIndex = Math.max(maxStringIndex, varintField(field, wireType, end));
            } else {
                skipField(field, wireType, end);
            }
        }
        expectEnd(end);
    }

    /** Sample {location_id = 1, value = 2, label = 3}: the value count must match the sample types. */
    private void sample(long end) throws IOException {
        int values = 0;
        while (pos < end) {
            long tag = varint(end);
            int field = fieldNumber(tag);
            int wireType = (int) (tag & 7);
            switch (field) {
                case 1 -> repeatedVarint(field, wireType, end);
                case 2 -> values += repeatedVarint(field, wireType, end);
                case 3 -> message(lengthDelimited(field, wireType, end));
                default -> skipField(field, wireType, end);
            }
        }
        expectEnd(end);
        valueCounts.add(values);
    }

    /** Any nested message whose content we only check for well-formedness. */
    private void message(long end) throws IOException {
        while (pos < end) {
            long tag = varint(end);
            skipField(fieldNumber(tag), (int) (tag & 7), end);
        }
        expectEnd(end);
    }

    private void skipField(int field, int wireType, long end) throws IOException {
        switch (wireType) {
            case VARINT -> varint(end);
            case FIXED64 -> skipTo(bounded(pos + 8, end, field));
            case LEN -> skipTo(lengthDelimited(field, wireType, end));
            case FIXED32 -> skipTo(bounded(pos + 4, end, field));
            default -> throw new Malformed("field " + field + " has unsupported wire type " + wireType + " at byte " + pos);
        }
    }

    /** A repeated integer, packed (LEN) or not (VARINT); returns how many elements it held. */
    private int repeatedVarint(int field, int wireType, long end) throws IOException {
        if (wireType == VARINT) {
            varint(end);
            return 1;
        }
        long packedEnd = lengthDelimited(field, wireType, end);
        int count = 0;
        while (pos < packedEnd) {
            varint(packedEnd);
            count++;
        }
        expectEnd(packedEnd);
        return count;
    }

    private long varintField(int field, int wireType, long end) throws IOException {
        if (wireType != VARINT) {
            throw new Malformed("field " + field + " has wire type " + wireType + ", expected varint, at byte " + pos);
        }
        return varint(end);
    }

    /** Reads the length of a LEN field and returns the absolute position where its content ends. */
    private long lengthDelimited(int field, int wireType, long end) throws IOException {
        if (wireType != LEN) {
            throw new Malformed("field " + field + " has wire type " + wireType + ", expected length-delimited, at byte " + pos);
        }
        long length = varint(end);
        if (length < 0) {
            throw new Malformed("field " + field + " has a negative length at byte " + pos);
        }
        return bounded(pos + length, end, field);
    }

    private static long bounded(long fieldEnd, long end, int field) throws Malformed {
        if (fieldEnd > end || fieldEnd < 0) {
            throw new Malformed("field " + field + " runs past the end of its enclosing message");
        }
        return fieldEnd;
    }

    private static int fieldNumber(long tag) throws Malformed {
        long field = tag >>> 3;
        if (field < 1 || field > 0x1FFFFFFF) {
            throw new Malformed("invalid field number " + field);
        }
        return (int) field;
    }

    private long varint(long end) throws IOException {
        if (pos >= end) {
            throw new Malformed("varint runs past the end of its enclosing message");
        }
        return varintFrom(nextByte(), end);
    }

    private long varintFrom(int firstByte, long end) throws IOException {
        long value = firstByte & 0x7f;
        int b = firstByte;
        for (int shift = 7; (b & 0x80) != 0; shift += 7) {
            if (shift > 63) {
                throw new Malformed("varint longer than 10 bytes at byte " + pos);
            }
            if (pos >= end) {
                throw new Malformed("varint runs past the end of its enclosing message");
            }
            b = nextByte();
            value |= (long) (b & 0x7f) << shift;
        }
        return value;
    }

    private int nextByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new Malformed("truncated message at byte " + pos);
        }
        pos++;
        return b;
    }

    private void skipTo(long target) throws IOException {
        while (pos < target) {
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, target - pos));
            if (n < 0) {
                throw new Malformed("truncated message at byte " + pos + ", expected " + (target - pos) + " more");
            }
            pos += n;
        }
    }

    private void expectEnd(long end) throws Malformed {
        if (pos != end) {
            throw new Malformed("nested message overran its length at byte " + pos);
        }
    }
}
