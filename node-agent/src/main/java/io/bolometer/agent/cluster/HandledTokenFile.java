package io.bolometer.agent.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture tokens this node's agent has handled, per pod, kept on the spool volume: the assignment status carries
 * them too, but it is written at most every 10 s, and a container killed in between would capture a token again
 * after its restart. The volume survives container restarts; the status covers a replaced pod.
 */
final class HandledTokenFile {
    private static final Logger LOG = LoggerFactory.getLogger(HandledTokenFile.class);
    /** Pods per node are bounded by the kubelet (110 by default); this is a guard against a corrupt file. */
    private static final int MAX_ENTRIES = 10_000;

    private final Path file;

    HandledTokenFile(Path spoolDir) {
        this.file = spoolDir.resolve("state").resolve("handled-capture-tokens.properties");
    }

    /** Pod {@code ns/name} → token; empty when there is no file or it can't be read (logged). */
    Map<String, String> load() {
        Map<String, String> tokens = new TreeMap<>();
        if (!Files.isRegularFile(file)) {
            return tokens;
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Cannot read the handled capture tokens in {} ({}): tokens not yet in the assignment status may be "
                    + "captured again", file, e.getMessage());
            return tokens;
        }
        properties.stringPropertyNames().stream().limit(MAX_ENTRIES)
                .forEach(pod -> tokens.put(pod, properties.getProperty(pod)));
        return tokens;
    }

    /** Replaces the file with {@code tokens}, atomically where the file system allows; logs and goes on on failure. */
    void save(Map<String, String> tokens) {
        Properties properties = new Properties();
        tokens.forEach(properties::setProperty);
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                properties.store(out, "capture tokens handled by this node's agent, per pod");
            }
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("Cannot save the handled capture tokens to {} ({}): the assignment status still records them",
                    file, e.getMessage());
        }
    }
}
