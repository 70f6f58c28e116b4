package io.bolometer.agent.insight;

import static io.bolometer.testing.ProtoWriter.lenField;
import static io.bolometer.testing.ProtoWriter.varint;
import static io.bolometer.testing.ProtoWriter.varintField;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes {@code perftools.profiles.Profile} bodies in Go's runtime order (each location and its functions before
 * the first sample that uses them, strings last), for tests of shapes no recorded profile has.
 */
final class SyntheticProfile {

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final Map<String, Integer> strings = new LinkedHashMap<>();
    private final Map<String, Long> functions = new LinkedHashMap<>();
    private final Map<List<String>, Long> locations = new LinkedHashMap<>();

    SyntheticProfile(String... sampleTypes) {
        string("");
        for (String type : sampleTypes) {
            ByteArrayOutputStream valueType = new ByteArrayOutputStream();
            varintField(valueType, 1, string(type));
            varintField(valueType, 2, string("count"));
            lenField(body, 1, valueType.toByteArray());
        }
    }

    /**
     * Adds a sample whose stack is given innermost first; each frame is a location, and a frame naming several
     * functions separated by {@code |} is one location with inlined lines (innermost first).
     */
    SyntheticProfile sample(List<String> stack, long... values) {
        ByteArrayOutputStream sample = new ByteArrayOutputStream();
        ByteArrayOutputStream ids = new ByteArrayOutputStream();
        for (String frame : stack) {
            varint(ids, location(List.of(frame.split("\\|"))));
        }
        lenField(sample, 1, ids.toByteArray());
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        for (long value : values) {
            varint(packed, value);
        }
        lenField(sample, 2, packed.toByteArray());
        lenField(body, 2, sample.toByteArray());
        return this;
    }

    /** The gzip'd body, string table appended. */
    byte[] gzipped() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(out)) {
            writeTo(gzip);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes the uncompressed body, string table appended. */
    void writeTo(OutputStream out) throws IOException {
        body.writeTo(out);
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        for (String s : strings.keySet()) {
            lenField(table, 6, s.getBytes(StandardCharsets.UTF_8));
        }
        table.writeTo(out);
    }

    private long location(List<String> lines) {
        Long known = locations.get(lines);
        if (known != null) {
            return known;
        }
        long id = locations.size() + 1L;
        locations.put(lines, id);
        ByteArrayOutputStream location = new ByteArrayOutputStream();
        varintField(location, 1, id);
        List<String> newFunctions = new ArrayList<>();
        for (String function : lines) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            varintField(line, 1, functionId(function, newFunctions));
            lenField(location, 4, line.toByteArray());
        }
        lenField(body, 4, location.toByteArray());
        for (String function : newFunctions) {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            varintField(message, 1, functions.get(function));
            varintField(message, 2, string(function));
            lenField(body, 5, message.toByteArray());
        }
        return id;
    }

    private long functionId(String name, List<String> newFunctions) {
        return functions.computeIfAbsent(name, n -> {
            newFunctions.add(n);
            return functions.size() + 1L;
        });
    }

    private int string(String s) {
        return strings.computeIfAbsent(s, k -> strings.size());
    }
}
