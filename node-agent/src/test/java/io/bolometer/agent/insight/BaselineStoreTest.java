package io.bolometer.agent.insight;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.targets.PodRef;
import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
    private static final PodRef SHOP = new PodRef("shop", "checkout-7d9f8-x2x");

    @TempDir
    Path dir;

    @Test
    void keepsTheLatestSummaryPerPodAndTypeAcrossARestart() throws IOException {
        BaselineStore store = BaselineStore.open(dir, 10, 1 << 20);
        store.record(SHOP, baseline("old", T0, ProfileType.CPU));
        store.record(SHOP, baseline("new", T0.plusSeconds(35), ProfileType.CPU));
        store.record(SHOP, baseline("heap", T0, ProfileType.HEAP));

        BaselineStore reopened = BaselineStore.open(dir, 10, 1 << 20);

        assertThat(reopened.size()).isEqualTo(2);
        assertThat(reopened.latest(SHOP, ProfileType.CPU)).get()
                .isEqualTo(baseline("new", T0.plusSeconds(35), ProfileType.CPU));
        assertThat(reopened.latest(SHOP, ProfileType.HEAP)).get().extracting(Baseline::key).isEqualTo("heap");
        assertThat(reopened.latest(new PodRef("shop", "other"), ProfileType.CPU)).isEmpty();
    }

    @Test
    void evictsTheOldestPodsFilesWhenFull() throws IOException {
        BaselineStore store = BaselineStore.open(dir, 2, 1 << 20);
        for (int i = 0; i < 3; i++) {
            store.record(new PodRef("shop", "pod-" + i), baseline("k" + i, T0.plusSeconds(i), ProfileType.CPU));
        }

        assertThat(store.latest(new PodRef("shop", "pod-0"), ProfileType.CPU)).isEmpty();
        assertThat(store.latest(new PodRef("shop", "pod-2"), ProfileType.CPU)).isPresent();
        assertThat(files()).hasSize(2);
        assertThat(store.bytes()).isEqualTo(files().stream().mapToLong(BaselineStoreTest::size).sum());
    }

    @Test
    void dropsUnreadableAndHalfWrittenFilesAndShrinksToNewBoundsOnOpen() throws IOException {
        BaselineStore store = BaselineStore.open(dir, 10, 1 << 20);
        for (int i = 0; i < 4; i++) {
            store.record(new PodRef("shop", "pod-" + i), baseline("k" + i, T0.plusSeconds(i), ProfileType.CPU));
        }
        Files.writeString(dir.resolve("0123.baseline.json"), "{not json");
        Files.writeString(dir.resolve("4567.baseline.json.tmp"), "{\"half\":");

        BaselineStore reopened = BaselineStore.open(dir, 2, 1 << 20);

        assertThat(reopened.size()).isEqualTo(2);
        assertThat(files()).hasSize(2);
        assertThat(reopened.latest(new PodRef("shop", "pod-3"), ProfileType.CPU)).isPresent();
        assertThat(reopened.latest(new PodRef("shop", "pod-1"), ProfileType.CPU)).isEmpty();
    }

    @Test
    void forgetsABaselineWhoseFileWasDamagedSinceItWasWritten() throws IOException {
        BaselineStore store = BaselineStore.open(dir, 10, 1 << 20);
        store.record(SHOP, baseline("k", T0, ProfileType.CPU));
        Files.writeString(files().get(0), "[]");

        assertThat(store.latest(SHOP, ProfileType.CPU)).isEmpty();
        assertThat(store.size()).isZero();
        assertThat(files()).isEmpty();
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Baseline baseline(String key, Instant time, ProfileType type) {
        return new Baseline(key, time, new ProfileSummary(type, type == ProfileType.CPU ? "cpu" : "inuse_space", 100,
                List.of(new ProfileSummary.TopEntry("main.f", 60, 60), new ProfileSummary.TopEntry("main.g", 40, 100))));
    }
}
