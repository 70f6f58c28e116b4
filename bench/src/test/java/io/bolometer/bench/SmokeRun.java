package io.bolometer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;

/** A bench program's smoke run, as its tests use it: the figures it wrote, in order, each a finite number. */
public final class SmokeRun {
    /** A program's {@code main}. */
    @FunctionalInterface
    public interface Program {
        void main(String[] args) throws Exception;
    }

    private SmokeRun() {
    }

    /** Runs {@code program} with {@code <dir>/figures/<name> smoke} and reads what it wrote there. */
    public static Map<String, Double> figures(Path dir, String name, Program program) throws Exception {
        Path out = java.nio.file.Files.createDirectories(dir.resolve("figures")).resolve(name);

        program.main(new String[] {out.toString(), "smoke"});

        Map<String, Double> figures = new ObjectMapper().readValue(out.toFile(),
                new TypeReference<java.util.LinkedHashMap<String, Double>>() { });
        assertThat(figures.values()).as("every figure of " + name).allSatisfy(value -> assertThat(value).isFinite());
        return figures;
    }
}
