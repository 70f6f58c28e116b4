package io.bolometer.agent.testing;

import io.bolometer.agent.spool.ProfileSpool;
import io.bolometer.agent.spool.SpoolRecord;
import io.bolometer.agent.spool.SpoolSlot;
import io.bolometer.agent.spool.SpooledProfile;
import io.bolometer.agent.store.StoreLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fills a spool with small profiles whose body is {@link #bodyOf(String) "body of <key>"}, and records what it drops.
 */
public final class SpoolFixtures {

    private SpoolFixtures() {
    }

    /** What {@code spool} drops from now on, in the order it drops it; safe to read while other threads spool. */
    public static List<SpooledProfile> drops(ProfileSpool spool) {
        List<SpooledProfile> dropped = new CopyOnWriteArrayList<>();
        spool.onDrop((entry, incoming, max) -> dropped.add(entry));
        return dropped;
    }

    /** Commits {@code n} profiles of {@code type} for {@code store}, oldest first; returns their keys in order. */
    public static List<String> spoolProfiles(ProfileSpool spool, StoreLocation store, int n, String type)
            throws IOException {
        return spoolProfiles(spool, store, 0, n, type);
    }

    /** As above, numbering the pods from {@code first}, so a second batch gets keys of its own. */
    public static List<String> spoolProfiles(ProfileSpool spool, StoreLocation store, int first, int n, String type)
            throws IOException {
        List<String> keys = new ArrayList<>();
        for (int i = first; i < first + n; i++) {
            String key = keyOf(i, type);
            SpoolSlot slot = spool.reserve();
            Files.writeString(slot.tempFile(), bodyOf(key), StandardCharsets.UTF_8);
            spool.commit(slot, new SpoolRecord(key, store,
                    Map.of("pod-name", "pod-" + i, "profile-type", type), Map.of("profile-type", type)));
            keys.add(key);
        }
        return keys;
    }

    /** The key of the {@code i}th profile {@link #spoolProfiles} writes. */
    public static String keyOf(int i, String type) {
        return "profiles/2026-11-25/shop/20261125101530-pod-" + i + "-" + type + ".pprof";
    }

    /** The body {@link #spoolProfiles} writes for {@code key}. */
    public static String bodyOf(String key) {
        return "body of " + key;
    }

    /** The object keys recorded beside the bodies in a spool directory on disk (read as a user would). */
    public static java.util.Set<String> spooledKeys(java.nio.file.Path spool) {
        if (!Files.isDirectory(spool)) {
            return java.util.Set.of();
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (java.util.stream.Stream<java.nio.file.Path> files = Files.list(spool)) {
            java.util.Set<String> keys = new java.util.TreeSet<>();
            for (java.nio.file.Path record : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                if (Files.exists(java.nio.file.Path.of(record.toString().replace(".json", ".pprof")))) {
                    keys.add(json.readTree(record.toFile()).path("objectKey").asText());
                }
            }
            return keys;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
