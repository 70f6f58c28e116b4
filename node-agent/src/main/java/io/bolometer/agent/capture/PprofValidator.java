package io.bolometer.agent.capture;

import io.bolometer.agent.pprof.ProfileWireWalker;
import io.bolometer.agent.pprof.ProtoReader;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipException;

/**
 * Decides whether a body is a real gzipped pprof {@code Profile}, without a protobuf library and within a size cap: the
 * gzip as strict as Go's reader (nothing after the last member), the protobuf as the pprof schema says.
 */
public final class PprofValidator {

    /** Default cap on the decompressed size: far above any real profile, low enough to stop a gzip bomb. */
    public static final long DEFAULT_MAX_DECOMPRESSED_BYTES = 256L * 1024 * 1024;

    private final long maxDecompressedBytes;

    public PprofValidator() {
        this(DEFAULT_MAX_DECOMPRESSED_BYTES);
    }

    public PprofValidator(long maxDecompressedBytes) {
        if (maxDecompressedBytes <= 0) {
            throw new IllegalArgumentException("maxDecompressedBytes must be positive, was " + maxDecompressedBytes);
        }
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    /** The verdict on one body. */
    public sealed interface Result permits Valid, Invalid {
    }

    /** A well-formed profile; {@code samples} may be 0 (an idle mutex or block profile is still a profile). */
    public record Valid(int sampleTypes, long samples, long decompressedBytes) implements Result {
    }

    /** Not a profile, with a reason fit for a log line and a status message. */
    public record Invalid(String reason) implements Result {
    }

    /**
     * Validates a file on disk; blocking, so call it off the event loop.
     *
     * @throws IOException when the file itself cannot be read (not a verdict on its content)
     */
    public Result validate(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return validate(in);
        }
    }

    /**
     * Validates a stream, reading it to the end or to the first defect; blocking.
     *
     * @throws IOException when the underlying stream fails (not a verdict on its content)
     */
    public Result validate(InputStream source) throws IOException {
        PushbackInputStream raw = new PushbackInputStream(new SourceStream(source), 2);
        int first = raw.read();
        if (first < 0) {
            return new Invalid("empty body");
        }
        int second = raw.read();
        if (first != 0x1f || second != 0x8b) {
            return new Invalid("not gzip");
        }
        try {
            raw.unread(new byte[] {(byte) first, (byte) second});
            CappedStream capped = new CappedStream(new StrictGzipStream(raw, 64 * 1024), maxDecompressedBytes);
            ProfileWireWalker.Summary summary = new ProfileWireWalker(capped).walk();
            return new Valid(summary.sampleTypes(), summary.samples(), capped.count);
        } catch (SourceException e) {
            throw e.cause;
        } catch (SizeExceeded e) {
            return new Invalid("decompressed size exceeds " + humanBytes(maxDecompressedBytes));
        } catch (ProtoReader.Malformed e) {
            return new Invalid("not a pprof profile: " + e.getMessage());
        } catch (EOFException e) {
            return new Invalid("truncated gzip");
        } catch (ZipException e) {
            return new Invalid("corrupt gzip: " + e.getMessage());
        } catch (IOException e) {
            return new Invalid("unreadable gzip: " + e.getMessage());
        }
    }

    /** Renders a byte count the way people write limits: {@code 256 MiB}, {@code 4 KiB}, {@code 1000 bytes}. */
    static String humanBytes(long bytes) {
        if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MiB";
        }
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return bytes / 1024 + " KiB";
        }
        return bytes + " bytes";
    }

    /** Thrown when the decompressed stream passes the cap. */
    private static final class SizeExceeded extends IOException {
        SizeExceeded() {
            super("decompressed size cap exceeded");
        }
    }

    /** Carries a failure of the caller's stream past the gzip layer, so it is not mistaken for a corrupt body. */
    private static final class SourceException extends IOException {
        final IOException cause;

        SourceException(IOException cause) {
            super(cause.getMessage(), cause);
            this.cause = cause;
        }
    }

    private static final class SourceStream extends FilterInputStream {
        SourceStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw new SourceException(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw new SourceException(e);
            }
        }
    }

    /** Counts decompressed bytes and stops at the cap (the gzip bomb guard). */
    private static final class CappedStream extends FilterInputStream {
        private final long cap;
        long count;

        CappedStream(InputStream in, long cap) {
            super(in);
            this.cap = cap;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                account(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                account(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new UnsupportedOperationException("read, so every byte is counted");
        }

        private void account(int n) throws SizeExceeded {
            count += n;
            if (count > cap) {
                throw new SizeExceeded();
            }
        }
    }
}
