package io.bolometer.agent.insight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Keeps the latest summary per pod and profile type in a directory (the spool volume), bounded in entries and
 * bytes, the oldest evicted first; it survives a restart because every summary is a file written atomically.
 */
public final class BaselineStore {

    /** Enough for 110 pods × 6 profile types with room to spare. */
    public static final int DEFAULT_MAX_ENTRIES = 1024;
    /** A summary file is ~3 KiB; this bounds the directory even if names are long. */
    public static final long DEFAULT_MAX_BYTES = 8L * 1024 * 1024;
    private static final String SUFFIX = ".baseline.json";
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path directory;
    private final BaselineIndex<String> index;

    private BaselineStore(Path directory, BaselineIndex<String> index) {
        this.directory = directory;
        this.index = index;
    }

    /**
     * Opens (creating if needed) the store in {@code directory}: reads back the baselines kept before a restart,
     * deletes unreadable files and half-written ones, and evicts the oldest if the bounds have shrunk.
     */
    public static BaselineStore open(Path directory, int maxEntries, long maxBytes) throws IOException {
        Files.createDirectories(directory);
        BaselineStore store = new BaselineStore(directory, new BaselineIndex<>(maxEntries, maxBytes));
        record Found(String slot, Instant time, long bytes) {
        }
        List<Found> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(SUFFIX)) {
                    String slot = name.substring(0, name.length() - SUFFIX.length());
                    Optional<Stored> stored = store.read(slot);
                    if (stored.isPresent()) {
                        found.add(new Found(slot, stored.get().baseline().time(), Files.size(file)));
                    }
                } else if (name.endsWith(TEMP_SUFFIX)) {
                    Files.deleteIfExists(file);
                }
            }
        }
        found.sort(Comparator.comparing(Found::time));
        for (Found f : found) {
            BaselineIndex.Admission<String> admission = store.index.admit(f.slot(), f.time(), f.bytes());
            store.deleteAll(admission.admitted() ? admission.evicted() : List.of(f.slot()));
        }
        return store;
    }

    /** The latest baseline kept for this pod and type, if any. */
    public synchronized Optional<Baseline> latest(PodRef pod, ProfileType type) throws IOException {
        String slot = slot(pod, type);
        if (!index.contains(slot)) {
            return Optional.empty();
        }
        Optional<Stored> stored = read(slot);
        if (stored.isEmpty() || !stored.get().pod().equals(pod) || stored.get().baseline().summary().type() != type) {
            index.remove(slot);
            return Optional.empty();
        }
        return Optional.of(stored.get().baseline());
    }

    /**
     * Keeps {@code baseline} as the latest for {@code pod} and its summary's type, unless a newer one is kept or it
     * does not fit; evicts the oldest others to make room.
     *
     * @return whether it was kept
     */
    public synchronized boolean record(PodRef pod, Baseline baseline) throws IOException {
        ProfileType type = baseline.summary().type();
        String slot = slot(pod, type);
        ObjectNode node = SummaryJson.summaryNode(baseline.summary());
        ObjectNode document = node.objectNode().put("namespace", pod.namespace()).put("pod", pod.name())
                .put("key", baseline.key()).put("time", baseline.time().toString());
        document.set("summary", node);
        byte[] bytes = SummaryJson.bytes(document);
        BaselineIndex.Admission<String> admission = index.admit(slot, baseline.time(), bytes.length);
        if (!admission.admitted()) {
            return false;
        }
        deleteAll(admission.evicted());
        Path temp = directory.resolve(slot + SUFFIX + TEMP_SUFFIX);
        Files.write(temp, bytes);
        try {
            Files.move(temp, file(slot), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file(slot), StandardCopyOption.REPLACE_EXISTING);
        }
        return true;
    }

    /** How many baselines are kept. */
    public synchronized int size() {
        return index.size();
    }

    /** How many bytes the kept baselines take on disk. */
    public synchronized long bytes() {
        return index.bytes();
    }

    private record Stored(PodRef pod, Baseline baseline) {
    }

    /** Reads a slot's file; an unreadable one is deleted, as the agent would otherwise trip on it forever. */
    private Optional<Stored> read(String slot) throws IOException {
        Path file = file(slot);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode document = SummaryJson.parse(Files.readAllBytes(file));
            PodRef pod = new PodRef(document.get("namespace").asText(), document.get("pod").asText());
            Baseline baseline = new Baseline(document.get("key").asText(), Instant.parse(document.get("time").asText()),
                    SummaryJson.readSummary(document.get("summary")));
            if (slot(pod, baseline.summary().type()).equals(slot)) {
                return Optional.of(new Stored(pod, baseline));
            }
        } catch (IOException | RuntimeException e) {
            // not a baseline we wrote, or cut short: fall through and delete it
        }
        Files.deleteIfExists(file);
        return Optional.empty();
    }

    private void deleteAll(List<String> slots) throws IOException {
        for (String slot : slots) {
            index.remove(slot);
            Files.deleteIfExists(file(slot));
        }
    }

    private Path file(String slot) {
        return directory.resolve(slot + SUFFIX);
    }

    /** A fixed-length file name for a pod and type: pod names run to 253 characters, file names to 255 bytes. */
    static String slot(PodRef pod, ProfileType type) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((pod.namespace() + "/" + pod.name() + "/" + type.wireName())
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}
