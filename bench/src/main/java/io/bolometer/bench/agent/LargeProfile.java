package io.bolometer.bench.agent;

import io.bolometer.testing.ProtoWriter;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a large gzip'd profile shaped like a busy Go service's heap profile (4 values per sample, deep stacks,
 * tens of thousands of functions, inlined frames), in the runtime's order, streaming so its size is not held.
 */
public final class LargeProfile {

    static final int FUNCTIONS = 40_000;
    static final int LOCATIONS = 200_000;
    static final String HOT_FUNCTION = "example.com/shop/cart.(*Cache).Get";

    private LargeProfile() {
    }

    /**
     * Writes samples until the decompressed body reaches {@code decompressedBytes}; location 1's function
     * ({@link #HOT_FUNCTION}) is the leaf of every tenth sample, so it tops the flat list.
     *
     * @return the decompressed size written
     */
    public static long write(Path file, long decompressedBytes, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        // ids are numbered 1, 2, 3… as they are first written, as the runtime numbers them
        long[] locationIds = new long[LOCATIONS + 1];
        long[] functionIds = new long[FUNCTIONS + 1];
        long written = 0;
        try (OutputStream out = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16),
                1 << 16)) {
            for (int type = 1; type <= 4; type++) {
                ByteArrayOutputStream valueType = new ByteArrayOutputStream();
                ProtoWriter.varintField(valueType, 1, type);
                ProtoWriter.varintField(valueType, 2, 5);
                ProtoWriter.lenField(out, 1, valueType);
            }
            long[] stack = new long[64];
            for (long sample = 0; written < decompressedBytes; sample++) {
                int depth = 8 + random.nextInt(40);
                for (int i = 0; i < depth; i++) {
                    int location = i == 0 && sample % 10 == 0 ? 1 : 1 + random.nextInt(LOCATIONS);
                    if (locationIds[location] == 0) {
                        locationIds[location] = ++locationIds[0];
                        written += location(out, location, locationIds[location], functionIds);
                    }
                    stack[i] = locationIds[location];
                }
                written += sample(out, stack, depth, random);
            }
            written += strings(out);
        }
        return written;
    }

    /**
     * Location number {@code n} (wire id {@code id}): one line, or two (inlined) for every fifth; functions not
     * written yet are written before it. Function number {@code f} is named by string {@code 5 + f}.
     */
    private static long location(OutputStream out, int n, long id, long[] functionIds) throws IOException {
        ByteArrayOutputStream location = new ByteArrayOutputStream();
        ProtoWriter.varintField(location, 1, id);
        long written = 0;
        int lines = n % 5 == 0 ? 2 : 1;
        for (int line = 0; line < lines; line++) {
            int function = n == 1 ? 1 : 1 + (int) ((n * 7919L + line) % FUNCTIONS);
            boolean known = functionIds[function] != 0;
            if (!known) {
                functionIds[function] = ++functionIds[0];
            }
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            ProtoWriter.varintField(message, 1, functionIds[function]);
            ProtoWriter.varintField(message, 2, 10 + line);
            ProtoWriter.lenField(location, 4, message.toByteArray());
            if (known) {
                continue;
            }
            ByteArrayOutputStream fn = new ByteArrayOutputStream();
            ProtoWriter.varintField(fn, 1, functionIds[function]);
            ProtoWriter.varintField(fn, 2, 5 + function);
            ProtoWriter.lenField(out, 5, fn);
            written += fn.size() + 2;
        }
        ProtoWriter.lenField(out, 4, location);
        return written + location.size() + 3;
    }

    private static long sample(OutputStream out, long[] stack, int depth, SplittableRandom random) throws IOException {
        ByteArrayOutputStream ids = new ByteArrayOutputStream();
        for (int i = 0; i < depth; i++) {
            ProtoWriter.varint(ids, stack[i]);
        }
        ByteArrayOutputStream values = new ByteArrayOutputStream();
        long objects = 1 + random.nextInt(100);
        for (long value : new long[] {objects, objects * 512, objects / 2, objects * 256}) {
            ProtoWriter.varint(values, value);
        }
        ByteArrayOutputStream sample = new ByteArrayOutputStream();
        ProtoWriter.lenField(sample, 1, ids.toByteArray());
        ProtoWriter.lenField(sample, 2, values.toByteArray());
        ProtoWriter.lenField(out, 2, sample);
        return sample.size() + 4;
    }

    /** "", the four sample type names, "bytes", then one name per function id. */
    private static long strings(OutputStream out) throws IOException {
        long written = 0;
        String[] fixed = {"", "alloc_objects", "alloc_space", "inuse_objects", "inuse_space", "bytes"};
        for (int i = 0; i < fixed.length + FUNCTIONS; i++) {
            String s = i < fixed.length ? fixed[i] : i == fixed.length ? HOT_FUNCTION
                    : "example.com/service/pkg" + (i % 97) + ".(*Handler" + (i % 13) + ").Method" + i;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            ProtoWriter.lenField(out, 6, bytes);
            written += bytes.size() + 3;
        }
        return written;
    }
}
