package io.bolometer.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Lists the files a directory store (or the spool's baseline directory) holds, for tests that wait on them. */
public final class StoreFiles {

    private StoreFiles() {
    }

    /** The files below {@code root} whose path ends with {@code suffix}, sorted; none while {@code root} is missing. */
    public static List<Path> endingWith(Path root, String suffix) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
