package io.bolometer.agent.insight;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the protobuf wire format from a stream through its own buffer, tracking the absolute position so nested
 * messages can be bounded; single-byte reads on a gzip stream would cost more than the decoding itself.
 */
final class ProtoReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private final long maxBytes;
    private int next;
    private int limit;
    private long consumedBefore;

    ProtoReader(InputStream in, long maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The absolute position of the next byte. */
    long position() {
        return consumedBefore + next;
    }

    /** True when the stream has no more bytes. */
    boolean atEnd() throws IOException {
        return next == limit && !fill();
    }

    /** Reads a field tag and returns it; the field number is {@code tag >>> 3}, the wire type {@code tag & 7}. */
    long tag(long end) throws IOException {
        long tag = varint(end);
        long field = tag >>> 3;
        if (field < 1 || field > 0x1FFFFFFF) {
            throw new ProfileSummarizer.Unreadable("invalid field number " + field + " at byte " + position());
        }
        return tag;
    }

    long varint(long end) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position() >= end) {
                throw new ProfileSummarizer.Unreadable("varint runs past the end of its message at byte " + position());
            }
            int b = nextByte();
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new ProfileSummarizer.Unreadable("varint longer than 10 bytes at byte " + position());
    }

    /** Reads the length of a LEN field and returns the absolute position where its content ends. */
    long lengthDelimited(int wireType, long end) throws IOException {
        if (wireType != LEN) {
            throw new ProfileSummarizer.Unreadable("wire type " + wireType + " where a message was expected at byte "
                    + position());
        }
        long length = varint(end);
        long fieldEnd = position() + length;
        if (length < 0 || fieldEnd > end) {
            throw new ProfileSummarizer.Unreadable("field runs past the end of its message at byte " + position());
        }
        return fieldEnd;
    }

    /** Reads one element of a repeated integer field, or all of a packed one, into {@code sink}. */
    void repeatedVarint(int wireType, long end, LongSink sink) throws IOException {
        if (wireType == VARINT) {
            sink.accept(varint(end));
            return;
        }
        long packedEnd = lengthDelimited(wireType, end);
        while (position() < packedEnd) {
            sink.accept(varint(packedEnd));
        }
    }

    /** Reads a string field ending at {@code fieldEnd}, keeping at most {@code maxBytes} of it, cut at a character. */
    String string(long fieldEnd, int maxBytes) throws IOException {
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

    void skipField(int wireType, long end) throws IOException {
        switch (wireType) {
            case VARINT -> varint(end);
            case FIXED64 -> skipTo(bounded(position() + 8, end));
            case LEN -> skipTo(lengthDelimited(wireType, end));
            case FIXED32 -> skipTo(bounded(position() + 4, end));
            default -> throw new ProfileSummarizer.Unreadable("unsupported wire type " + wireType + " at byte "
                    + position());
        }
    }

    void skipTo(long target) throws IOException {
        while (position() < target) {
            if (next == limit && !fill()) {
                throw truncated();
            }
            next += (int) Math.min(limit - next, target - position());
        }
    }

    void expectAt(long end) throws IOException {
        if (position() != end) {
            throw new ProfileSummarizer.Unreadable("nested message overran its length at byte " + position());
        }
    }

    private long bounded(long fieldEnd, long end) throws IOException {
        if (fieldEnd > end) {
            throw new ProfileSummarizer.Unreadable("field runs past the end of its message at byte " + position());
        }
        return fieldEnd;
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
            throw new ProfileSummarizer.Unreadable("decompressed profile exceeds " + maxBytes + " bytes");
        }
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, maxBytes - consumedBefore));
        if (n <= 0) {
            return false;
        }
        limit = n;
        return true;
    }

    private ProfileSummarizer.Unreadable truncated() {
        return new ProfileSummarizer.Unreadable("truncated profile at byte " + position());
    }

    /** Receives the elements of a repeated integer field without boxing. */
    @FunctionalInterface
    interface LongSink {
        void accept(long value) throws IOException;
    }
}
