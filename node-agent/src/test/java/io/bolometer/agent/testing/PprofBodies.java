package io.bolometer.agent.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Hand-encoded {@code perftools.profiles.Profile} bodies (github.com/google/pprof/proto/profile.proto), gzipped as
 * Go's net/http/pprof serves them, so capture tests need no protobuf library and no Go toolchain.
 */
public final class PprofBodies {

    private PprofBodies() {
    }

    /** A gzipped CPU profile with two sample types and {@code samples} samples, shaped like Go's. */
    public static byte[] cpuProfile(int samples) {
        return gzip(cpuProfileMessage(samples));
    }

    /** The ungzipped protobuf of {@link #cpuProfile(int)}. */
    public static byte[] cpuProfileMessage(int samples) {
        Strings strings = new Strings();
        Proto profile = new Proto();
        profile.message(1, valueType(strings.of("samples"), strings.of("count")));
        profile.message(1, valueType(strings.of("cpu"), strings.of("nanoseconds")));
        for (int i = 0; i < samples; i++) {
            profile.message(2, new Proto().packed(1, 1).packed(2, 3 + i, 30_000_000L * (3 + i)));
        }
        profile.message(3, new Proto().varint(1, 1).varint(2, 0x400000).varint(3, 0x800000)
                .varint(5, strings.of("/app/server")));
        profile.message(4, new Proto().varint(1, 1).varint(2, 1).varint(3, 0x401234)
                .message(4, new Proto().varint(1, 1).varint(2, 42)));
        profile.message(5, new Proto().varint(1, 1).varint(2, strings.of("main.work"))
                .varint(3, strings.of("main.work")).varint(4, strings.of("/app/main.go")));
        long cpuIndex = strings.of("cpu");
        long nanosIndex = strings.of("nanoseconds");
        strings.writeTo(profile);
        profile.varint(9, 1_700_000_000_000_000_000L).varint(10, 10_000_000_000L)
                .message(11, valueType(cpuIndex, nanosIndex)).varint(12, 10_000_000L);
        return profile.bytes();
    }

    /** A gzipped mutex profile with no samples: what Go serves when the app never set a mutex profile rate. */
    public static byte[] emptyMutexProfile() {
        Strings strings = new Strings();
        Proto profile = new Proto();
        profile.message(1, valueType(strings.of("contentions"), strings.of("count")));
        profile.message(1, valueType(strings.of("delay"), strings.of("nanoseconds")));
        long contentions = strings.of("contentions");
        long count = strings.of("count");
        strings.writeTo(profile);
        profile.message(11, valueType(contentions, count)).varint(12, 1);
        return gzip(profile.bytes());
    }

    /**
     * A gzip bomb that stays a well-formed profile as far as it goes: a string-table entry of
     * {@code decompressedBytes} zeros, so only a decompressed-size cap stops it (it gzips ~1000:1).
     */
    public static byte[] gzipBomb(int decompressedBytes) {
        return gzip(new Proto().message(1, new Proto().varint(1, 0).varint(2, 0))
                .bytes(6, new byte[0]).bytes(6, new byte[decompressedBytes]).bytes());
    }

    /** Gzips any bytes the way Go does (one member, default level). */
    public static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A valid gzipped CPU profile of at least {@code bytes} bytes that does not shrink in transit or on disk: the
     * gzip member uses stored (uncompressed) deflate blocks, so spool and upload sizes are what the test chose.
     */
    public static byte[] largeProfile(int bytes) {
        byte[] plain = cpuProfileMessage(Math.max(1, bytes / 12));
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length + 1024);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
            }
        }) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Gzips a text, e.g. a JSON document or an HTML page. */
    public static byte[] gzip(String text) {
        return gzip(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Proto valueType(long type, long unit) {
        return new Proto().varint(1, type).varint(2, unit);
    }

    /** A string table that hands out indices, with the mandatory empty string at 0. */
    private static final class Strings {
        private final List<String> table = new ArrayList<>(List.of(""));

        long of(String s) {
            int index = table.indexOf(s);
            if (index < 0) {
                table.add(s);
                index = table.size() - 1;
            }
            return index;
        }

        void writeTo(Proto profile) {
            for (String s : table) {
                profile.bytes(6, s.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** A minimal protobuf writer: varint, packed varints, length-delimited bytes and messages. */
    public static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Proto varint(int field, long value) {
            tag(field, 0);
            writeVarint(out, value);
            return this;
        }

        public Proto packed(int field, long... values) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (long v : values) {
                writeVarint(content, v);
            }
            return bytes(field, content.toByteArray());
        }

        public Proto bytes(int field, byte[] content) {
            tag(field, 2);
            writeVarint(out, content.length);
            out.writeBytes(content);
            return this;
        }

        public Proto message(int field, Proto nested) {
            return bytes(field, nested.bytes());
        }

        /** Appends raw bytes, for writing deliberately broken encodings. */
        public Proto raw(byte... raw) {
            out.writeBytes(raw);
            return this;
        }

        public byte[] bytes() {
            return out.toByteArray();
        }

        private void tag(int field, int wireType) {
            writeVarint(out, ((long) field << 3) | wireType);
        }

        private static void writeVarint(ByteArrayOutputStream out, long value) {
            long v = value;
            while ((v & ~0x7fL) != 0) {
                out.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
