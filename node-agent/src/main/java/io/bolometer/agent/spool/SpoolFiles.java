package io.bolometer.agent.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The spool's file-level helpers: syncing files and the directory, and reading entry ids. */
final class SpoolFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolFiles.class);
    /** {@code <16-digit epoch micros>-<8 hex random>}. */
    static final Pattern ID = Pattern.compile("(\\d{16})-[0-9a-f]{8}");

    private SpoolFiles() {
    }

    static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems refuse to sync a directory; the entry's files themselves are synced already.
            LOG.debug("Could not sync spool directory {}: {}", dir, e.toString());
        }
    }

    static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    static boolean isId(String name) {
        return ID.matcher(name).matches();
    }

    static String strip(String name, String suffix) {
        return name.substring(0, name.length() - suffix.length());
    }

    static long micros(String id) {
        Matcher m = ID.matcher(id);
        if (!m.matches()) {
            throw new IllegalArgumentException("Not a spool id: " + id);
        }
        return Long.parseLong(m.group(1));
    }

    static Instant instantOf(String id) {
        return Instant.EPOCH.plus(micros(id), ChronoUnit.MICROS);
    }
}
