package io.bolometer.agent.spool;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.store.StoreLocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool under commits from several threads at once (threads: the IT tier). */
class ProfileSpoolIT {

    @TempDir
    Path dir;

    @Test
    void keepsCountAndBytesConsistentUnderConcurrentCommits() throws Exception {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<SpooledProfile>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String key = "k" + i;
                futures.add(pool.submit(() -> {
                    SpoolSlot slot = spool.reserve();
                    Files.writeString(slot.tempFile(), "abc", StandardCharsets.UTF_8);
                    return spool.commit(slot, new SpoolRecord(key, new StoreLocation.Directory("/profiles"),
                            Map.of("profile-type", "heap"), Map.of()));
                }));
            }
            for (Future<SpooledProfile> f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(spool.count()).isEqualTo(40);
        assertThat(spool.bytes()).isEqualTo(120);
        assertThat(spool.pending()).extracting(SpooledProfile::id).isSorted().doesNotHaveDuplicates();
        assertThat(ProfileSpool.open(dir, 1 << 20).count()).isEqualTo(40);
    }
}
