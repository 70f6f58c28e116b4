package io.bolometer.agent.testing;

import io.bolometer.agent.spool.ProfileSpool;
import io.bolometer.agent.spool.SpoolRecord;
import io.bolometer.agent.spool.SpoolSlot;
import io.bolometer.agent.upload.StoreLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Fills a spool with small profiles whose body is {@link #bodyOf(String) "body of <key>"}. */
public final class SpoolFixtures {

    private SpoolFixtures() {
    }

    /** Commits {@code n} profiles of {@code type} for {@code store}, oldest first; returns their keys in order. */
    public static List<String> spoolProfiles(ProfileSpool spool, StoreLocation store, int n, String type)
            throws IOException {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = "profiles/2026-11-25/shop/20261125101530-pod-" + i + "-" + type + ".pprof";
            SpoolSlot slot = spool.reserve();
            Files.writeString(slot.tempFile(), bodyOf(key), StandardCharsets.UTF_8);
            spool.commit(slot, new SpoolRecord(key, store,
                    Map.of("pod-name", "pod-" + i, "profile-type", type), Map.of("profile-type", type)));
            keys.add(key);
        }
        return keys;
    }

    /** The body {@link #spoolProfiles} writes for {@code key}. */
    public static String bodyOf(String key) {
        return "body of " + key;
    }
}
