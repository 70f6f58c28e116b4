package io.bolometer.bench.coordinator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads and writes the benchmarks' flat JSON objects of numbers. */
final class BenchJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchJson() {
    }

    static void write(Path file, Map<String, ?> figures) throws IOException {
        for (Map.Entry<String, ?> figure : figures.entrySet()) {
            if (!(figure.getValue() instanceof Number number) || !Double.isFinite(number.doubleValue())) {
                throw new IllegalArgumentException("not a finite number: " + figure);
            }
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        MAPPER.writeValue(file.toFile(), figures);
    }

    static Map<String, Number> read(Path file) throws IOException {
        return MAPPER.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Number>>() { });
    }
}
