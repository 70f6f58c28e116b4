package io.bolometer.agent.pprof;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one reader of the protobuf wire format in the agent: from a stream through its own buffer (single-byte reads
 * on a gzip stream would cost more than the decoding itself), tracking the absolute position so nested messages
 * can be bounded. {@link ProfileWireWalker} validates a {@code Profile} with it, {@code insight.ProfileAggregator}
 * summarizes one with it.
 */
public final class ProtoReader {

    public static final int VARINT = 0;
    public static final int FIXED64 = 1;
    public static final int LEN = 2;
    public static final int FIXED32 = 5;

    /** The bytes break the wire format; the message says how and where. */
    public static class Malformed extends IOException {
        public Malformed(String message) {
            super(message);
        }
    }

    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private final long maxBytes;
    private int next;
    private int limit;
    private long consumedBefore;

    /** @param maxBytes the most this reader takes from {@code in}; more is {@link Malformed} */
    public ProtoReader(InputStream in, long maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The absolute position of the next byte. */
    public long position() {
        return consumedBefore + next;
    }

    /** True when the stream has no more bytes. */
    public boolean atEnd() throws IOException {
        return next == limit && !fill();
    }

    /** Reads a field tag and returns it; the field number is {@code tag >>> 3}, the wire type {@code tag & 7}. */
    public long tag(long end) throws IOException {
        long tag = varint(end);
        long field = tag >>> 3;
        if (field < 1 || field > 0x1FFFFFFF) {
            throw new Malformed("invalid field number " + field);
        }
        return tag;
    }

    public long varint(long end) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position() >= end) {
                throw new Malformed("varint runs past the end of its enclosing message");
            }
            int b = nextByte();
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new Malformed("varint longer than 10 bytes at byte " + position());
    }

    /** A varint field's value; a field of another wire type is {@link Malformed}. */
    public long varintField(int field, int wireType, long end) throws IOException {
        if (wireType != VARINT) {
            throw new Malformed(name(field) + " has wire type " + wireType + ", expected varint, at byte " + position());
        }
        return varint(end);
    }

    /** Reads the length of a LEN field and returns the absolute position where its content ends. */
    public long lengthDelimited(int wireType, long end) throws IOException {
        return lengthDelimited(0, wireType, end);
    }

    /** As {@link #lengthDelimited(int, long)}, naming field {@code field} in what it throws. */
    public long lengthDelimited(int field, int wireType, long end) throws IOException {
        if (wireType != LEN) {
            throw new Malformed(name(field) + " has wire type " + wireType + ", expected length-delimited, at byte "
                    + position());
        }
        long length = varint(end);
        if (length < 0) {
            throw new Malformed(name(field) + " has a negative length at byte " + position());
        }
        return bounded(position() + length, end, field);
    }

    /** Reads one element of a repeated integer field, or all of a packed one, into {@code sink}; returns how many. */
    public int repeatedVarint(int wireType, long end, LongSink sink) throws IOException {
        return repeatedVarint(0, wireType, end, sink);
    }

    /** As {@link #repeatedVarint(int, long, LongSink)}, naming field {@code field} in what it throws. */
    public int repeatedVarint(int field, int wireType, long end, LongSink sink) throws IOException {
        if (wireType == VARINT) {
            sink.accept(varint(end));
            return 1;
        }
        long packedEnd = lengthDelimited(field, wireType, end);
        int count = 0;
        while (position() < packedEnd) {
            sink.accept(varint(packedEnd));
            count++;
        }
        expectAt(packedEnd);
        return count;
    }

    /** Reads a string field ending at {@code fieldEnd}, keeping at most {@code maxBytes} of it, cut at a character. */
    public String string(long fieldEnd, int maxBytes) throws IOException {
        long available = fieldEnd - position();
        int length = (int) Math.min(available, maxBytes);
        byte[] bytes = new byte[length];
        for (int copied = 0; copied < length; ) {
            if (next == limit && !fill()) {
                throw truncated();
            }
            int n = Math.min(length - copied, limit - next);
            System.arraycopy(buffer, next, bytes, copied, n);
            next += n;
            copied += n;
        }
        skipTo(fieldEnd);
        return new String(bytes, 0, available > length ? wholeCharacters(bytes) : length, StandardCharsets.UTF_8);
    }

    /** How many leading bytes of a UTF-8 prefix hold whole characters (the last one may have been cut). */
    static int wholeCharacters(byte[] bytes) {
        int lead = bytes.length - 1;
        while (lead >= 0 && (bytes[lead] & 0xC0) == 0x80) {
            lead--; // continuation bytes of the last character
        }
        if (lead < 0) {
            return 0;
        }
        int b = bytes[lead] & 0xff;
        int width = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
        return lead + width <= bytes.length ? lead + width : lead;
    }

    public void skipField(int wireType, long end) throws IOException {
        skipField(0, wireType, end);
    }

    /** Skips a field's content, whatever its wire type, within {@code end}. */
    public void skipField(int field, int wireType, long end) throws IOException {
        switch (wireType) {
            case VARINT -> varint(end);
            case FIXED64 -> skipTo(bounded(position() + 8, end, field));
            case LEN -> skipTo(lengthDelimited(field, wireType, end));
            case FIXED32 -> skipTo(bounded(position() + 4, end, field));
            default -> throw new Malformed(name(field) + " has unsupported wire type " + wireType + " at byte "
                    + position());
        }
    }

    public void skipTo(long target) throws IOException {
        while (position() < target) {
            if (next == limit && !fill()) {
                throw new Malformed("truncated message at byte " + position() + ", expected " + (target - position())
                        + " more");
            }
            next += (int) Math.min(limit - next, target - position());
        }
    }

    public void expectAt(long end) throws IOException {
        if (position() != end) {
            throw new Malformed("nested message overran its length at byte " + position());
        }
    }

    private long bounded(long fieldEnd, long end, int field) throws IOException {
        if (fieldEnd > end || fieldEnd < 0) {
            throw new Malformed(name(field) + " runs past the end of its enclosing message");
        }
        return fieldEnd;
    }

    private static String name(int field) {
        return field > 0 ? "field " + field : "a field";
    }

    private int nextByte() throws IOException {
        if (next == limit && !fill()) {
            throw truncated();
        }
        return buffer[next++] & 0xff;
    }

    private boolean fill() throws IOException {
        consumedBefore += limit;
        next = 0;
        limit = 0;
        if (consumedBefore >= maxBytes) {
            int probe = in.read();
            if (probe < 0) {
                return false;
            }
            throw new Malformed("decompressed profile exceeds " + maxBytes + " bytes");
        }
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, maxBytes - consumedBefore));
        if (n <= 0) {
            return false;
        }
        limit = n;
        return true;
    }

    private Malformed truncated() {
        return new Malformed("truncated message at byte " + position());
    }

    /** Receives the elements of a repeated integer field without boxing. */
    @FunctionalInterface
    public interface LongSink {
        void accept(long value) throws IOException;
    }
}
