package io.bolometer.agent.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Decompresses gzip the way Go's {@code compress/gzip} reader (and so {@code go tool pprof}) reads it: one or more
 * members back to back, each with its CRC-32 and length checked, and nothing else. {@link java.util.zip.GZIPInputStream}
 * silently drops bytes after the last member; here they are a {@link ZipException}, so a body with a tail that
 * {@code go tool pprof} would refuse is never stored as a profile.
 */
final class StrictGzipStream extends InputStream {

    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final InputStream in;
    private final byte[] buffer;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private int bufferStart;
    private int bufferEnd;
    private boolean inMember;
    private boolean finished;

    /** Reads {@code in} (which must start with the gzip magic) through a buffer of {@code bufferSize} bytes. */
    StrictGzipStream(InputStream in, int bufferSize) {
        this.in = in;
        this.buffer = new byte[bufferSize];
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!finished) {
            if (!inMember) {
                if (!startMember()) {
                    finished = true;
                    break;
                }
            }
            int n = inflate(b, off, len);
            if (n > 0) {
                crc.update(b, off, n);
                return n;
            }
            if (inflater.finished()) {
                endMember();
            }
        }
        return -1;
    }

    private int inflate(byte[] b, int off, int len) throws IOException {
        try {
            while (true) {
                int n = inflater.inflate(b, off, len);
                if (n > 0 || inflater.finished()) {
                    return n;
                }
                if (inflater.needsDictionary()) {
                    throw new ZipException("deflate stream needs a preset dictionary");
                }
                if (inflater.needsInput()) {
                    if (bufferStart == bufferEnd && !fill()) {
                        throw new EOFException("gzip member ends early");
                    }
                    inflater.setInput(buffer, bufferStart, bufferEnd - bufferStart);
                    bufferStart = bufferEnd;
                }
            }
        } catch (DataFormatException e) {
            throw new ZipException(e.getMessage());
        }
    }

    /** Reads the next member's header; false at a clean end of input (only after at least one member). */
    private boolean startMember() throws IOException {
        int first = nextByte();
        if (first < 0) {
            return false;
        }
        int second = nextByte();
        if (first != 0x1f || second != 0x8b) {
            throw new ZipException("bytes after the gzip member");
        }
        if (requireByte() != 8) {
            throw new ZipException("unsupported compression method");
        }
        int flags = requireByte();
        skipBytes(6); // mtime, xfl, os
        if ((flags & FEXTRA) != 0) {
            skipBytes(requireByte() | requireByte() << 8);
        }
        if ((flags & FNAME) != 0) {
            skipZeroTerminated();
        }
        if ((flags & FCOMMENT) != 0) {
            skipZeroTerminated();
        }
        if ((flags & FHCRC) != 0) {
            skipBytes(2);
        }
        inflater.reset();
        crc.reset();
        inMember = true;
        return true;
    }

    private void endMember() throws IOException {
        // The inflater may hold bytes it read past the deflate stream: they are the trailer and what follows.
        int remaining = inflater.getRemaining();
        bufferStart -= remaining;
        long expectedCrc = readLittleEndianInt();
        long expectedSize = readLittleEndianInt();
        if (expectedCrc != crc.getValue()) {
            throw new ZipException("gzip CRC-32 mismatch");
        }
        if (expectedSize != (inflater.getBytesWritten() & 0xffffffffL)) {
            throw new ZipException("gzip length mismatch");
        }
        inMember = false;
    }

    private long readLittleEndianInt() throws IOException {
        return (requireByte() | requireByte() << 8 | requireByte() << 16 | (long) requireByte() << 24) & 0xffffffffL;
    }

    private void skipZeroTerminated() throws IOException {
        while (requireByte() != 0) {
            // the file name or comment: not needed
        }
    }

    private void skipBytes(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            requireByte();
        }
    }

    private int requireByte() throws IOException {
        int b = nextByte();
        if (b < 0) {
            throw new EOFException("gzip header or trailer ends early");
        }
        return b;
    }

    private int nextByte() throws IOException {
        if (bufferStart == bufferEnd && !fill()) {
            return -1;
        }
        return buffer[bufferStart++] & 0xff;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        bufferStart = 0;
        bufferEnd = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }
}
