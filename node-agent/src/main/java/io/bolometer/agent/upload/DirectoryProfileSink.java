package io.bolometer.agent.upload;

import io.bolometer.agent.store.StoredProfile;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bolometer.agent.insight.SummaryJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * Stores profiles in a local directory for standalone mode: the body at {@code <dir>/<key>}, the S3 metadata
 * beside it as {@code <dir>/<key>.json} and, when the profile has one, its summary as
 * {@code <dir>/<key without .pprof>.summary.json}, each replaced atomically so a reader never sees half a file.
 */
public final class DirectoryProfileSink implements ProfileSink {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final Executor executor;

    /** A sink writing under {@code root}, doing its file I/O on the common pool. */
    public DirectoryProfileSink(Path root) {
        this(root, ForkJoinPool.commonPool());
    }

    /** A sink writing under {@code root}, doing its file I/O on {@code executor}. */
    public DirectoryProfileSink(Path root, Executor executor) {
        this.root = root.toAbsolutePath().normalize();
        this.executor = executor;
    }

    @Override
    public CompletableFuture<String> store(StoredProfile profile) {
        Path target;
        try {
            target = resolve(profile.objectKey());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                write(profile, target);
                return profile.objectKey();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not store " + profile.objectKey() + " in " + root, e);
            }
        }, executor);
    }

    /** Where {@code objectKey} lands under the root; rejects keys that would escape it. */
    public Path resolve(String objectKey) {
        if (objectKey == null || objectKey.isBlank() || objectKey.startsWith("/") || objectKey.contains("\\")
                || objectKey.contains("\0")) {
            throw new IllegalArgumentException("Object key is not a relative path: " + objectKey);
        }
        for (String segment : objectKey.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("Object key has an empty, '.' or '..' segment: " + objectKey);
            }
        }
        Path target = root.resolve(objectKey).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new IllegalArgumentException("Object key escapes " + root + ": " + objectKey);
        }
        return target;
    }

    /** The metadata file's content: the S3 metadata map plus {@code objectKey} and a {@code tags} object. */
    static Map<String, Object> metadataDocument(StoredProfile profile) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("objectKey", profile.objectKey());
        document.putAll(new TreeMap<>(profile.metadata()));
        document.put("tags", new TreeMap<>(profile.tags()));
        return document;
    }

    private void write(StoredProfile profile, Path target) throws IOException {
        Path parent = Files.createDirectories(target.getParent());
        Path metadata = parent.resolve(target.getFileName() + ".json");
        // Body first.
        replace(target, temp -> Files.copy(profile.body(), temp, StandardCopyOption.REPLACE_EXISTING));
        if (profile.summary() != null) {
            Path summary = parent.resolve(SummaryJson.summaryKey(target.getFileName().toString()));
            replace(summary, temp -> Files.write(temp, JSON.writeValueAsBytes(profile.summary())));
        }
        // Metadata last: it means the profile and its summary are complete.
        replace(metadata, temp -> Files.write(temp, JSON.writeValueAsBytes(metadataDocument(profile))));
    }

    private static void replace(Path target, FileWriter writer) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            writer.write(temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public String describe() {
        return "directory " + root;
    }

    @Override
    public void close() {
        // Nothing held open: every store opens and closes its own files.
    }

    @FunctionalInterface
    private interface FileWriter {
        void write(Path temp) throws IOException;
    }
}
