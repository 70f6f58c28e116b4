package io.bolometer.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** The few protobuf encodings the test profiles need: varints, varint fields and length-delimited fields. */
public final class ProtoWriter {

    private ProtoWriter() {
    }

    public static void varintField(ByteArrayOutputStream out, int field, long value) {
        varint(out, (long) field << 3);
        varint(out, value);
    }

    public static void lenField(ByteArrayOutputStream out, int field, byte[] content) {
        varint(out, ((long) field << 3) | 2);
        varint(out, content.length);
        out.writeBytes(content);
    }

    /** Writes a length-delimited field straight to a stream (for bodies too large to buffer). */
    public static void lenField(OutputStream out, int field, ByteArrayOutputStream content) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream(10);
        varint(header, ((long) field << 3) | 2);
        varint(header, content.size());
        header.writeTo(out);
        content.writeTo(out);
    }

    public static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
