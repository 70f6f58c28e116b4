package io.bolometer.agent.spool;

import static io.bolometer.agent.testing.SpoolFixtures.drops;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bolometer.agent.store.StoreLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileSpoolTest {

    private static final StoreLocation S3 = new StoreLocation.S3("bucket", "eu-west-1", "http://127.0.0.1:9", true);
    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-25T10:15:30Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void keepsCommittedEntriesWithTheirRecordsAcrossReopen() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        SpoolRecord record = new SpoolRecord("profiles/2026-11-25/shop/20261125101530-pod-a-cpu.pprof", S3,
                Map.of("pod-name", "pod-a", "label-team", "=?UTF-8?B?w6lxdWlwZQ==?="), Map.of("reason", "requested"));
        SpooledProfile committed = spool(spool, "body-a", record);

        ProfileSpool reopened = ProfileSpool.open(dir, 1 << 20);

        assertThat(reopened.pending()).singleElement().satisfies(entry -> {
            assertThat(entry.id()).isEqualTo(committed.id());
            assertThat(entry.record()).isEqualTo(record);
            assertThat(entry.sizeBytes()).isEqualTo(6);
            assertThat(entry.body()).hasContent("body-a");
            assertThat(entry.spooledAt()).isEqualTo(committed.spooledAt());
        });
        assertThat(reopened.bytes()).isEqualTo(6);
        assertThat(reopened.count()).isEqualTo(1);
    }

    @Test
    void keepsTheConfigARecordWasCapturedForAndReadsRecordsWrittenBeforeItExisted() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        SpooledProfile withSource = spool(spool, "body-a", new SpoolRecord("k-a", S3, Map.of(), Map.of(), "shop/hot"));
        SpooledProfile old = spool(spool, "body-b", record("k-b"));
        Path oldRecord = dir.resolve(old.id() + ".json");
        Files.writeString(oldRecord, Files.readString(oldRecord).replace(",\"source\":null", ""));

        ProfileSpool reopened = ProfileSpool.open(dir, 1 << 20);

        assertThat(Files.readString(oldRecord)).doesNotContain("source");
        assertThat(reopened.pending()).extracting(entry -> entry.record().source()).containsExactly("shop/hot", null);
        assertThat(reopened.pending().get(0).id()).isEqualTo(withSource.id());
    }

    @Test
    void keepsASummaryDocumentAndReadsRecordsWrittenBeforeItExisted() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        com.fasterxml.jackson.databind.JsonNode summary = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"type\":\"cpu\",\"top\":[{\"function\":\"main.burnCPU\"}]}");
        spool(spool, "body-a", new SpoolRecord("k-a", S3, Map.of(), Map.of(), "shop/hot", summary));
        SpooledProfile old = spool(spool, "body-b", record("k-b"));
        Path oldRecord = dir.resolve(old.id() + ".json");
        Files.writeString(oldRecord, Files.readString(oldRecord).replace(",\"summary\":null", ""));

        ProfileSpool reopened = ProfileSpool.open(dir, 1 << 20);

        assertThat(Files.readString(oldRecord)).doesNotContain("summary");
        assertThat(reopened.pending()).extracting(entry -> entry.record().summary()).containsExactly(summary, null);
        assertThat(reopened.pending().get(0).toStored().summary()).isEqualTo(summary);
    }

    @Test
    void listsPendingOldestFirstAlsoAfterReopenWhenTheClockStandsStill() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20, FIXED);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            keys.add("k" + i);
            spool(spool, "b" + i, record("k" + i));
        }
        ProfileSpool reopened = ProfileSpool.open(dir, 1 << 20, FIXED);
        keys.add("k5");
        spool(reopened, "b5", record("k5"));

        assertThat(reopened.pending()).extracting(e -> e.record().objectKey()).containsExactlyElementsOf(keys);
        assertThat(ProfileSpool.open(dir, 1 << 20, FIXED).pending())
                .extracting(e -> e.record().objectKey()).containsExactlyElementsOf(keys);
    }

    @Test
    void deletesSlotsThatACrashedRunLeftUncommitted() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        Path stale = spool.reserve().tempFile();
        Files.writeString(stale, "half a body");
        Path staleRecordTemp = Files.writeString(dir.resolve("0000000000000001-0000abcd.json.tmp"), "{");

        ProfileSpool reopened = ProfileSpool.open(dir, 1 << 20);

        assertThat(stale).doesNotExist();
        assertThat(staleRecordTemp).doesNotExist();
        assertThat(reopened.count()).isZero();
    }

    @Test
    void deletesABodyWithoutItsRecordAtOpen() throws IOException {
        SpooledProfile entry = spool(ProfileSpool.open(dir, 1 << 20), "orphan", record("k"));
        Files.delete(dir.resolve(entry.id() + ".json"));

        ProfileSpool reopened = ProfileSpool.open(dir, 1 << 20);

        assertThat(entry.body()).doesNotExist();
        assertThat(reopened.pending()).isEmpty();
        assertThat(reopened.bytes()).isZero();
    }

    @Test
    void deletesARecordWithoutItsBodyAtOpen() throws IOException {
        SpooledProfile entry = spool(ProfileSpool.open(dir, 1 << 20), "body", record("k"));
        Files.delete(entry.body());

        ProfileSpool reopened = ProfileSpool.open(dir, 1 << 20);

        assertThat(dir.resolve(entry.id() + ".json")).doesNotExist();
        assertThat(reopened.pending()).isEmpty();
    }

    @Test
    void movesAnEntryWithAnUnreadableRecordAsideInsteadOfLoadingIt() throws IOException {
        SpooledProfile entry = spool(ProfileSpool.open(dir, 1 << 20), "body", record("k"));
        Files.writeString(dir.resolve(entry.id() + ".json"), "{not json");

        ProfileSpool reopened = ProfileSpool.open(dir, 1 << 20);

        assertThat(reopened.pending()).isEmpty();
        assertThat(dir.resolve("corrupt").resolve(entry.id() + ".pprof")).hasContent("body");
    }

    @Test
    void dropsTheOldestEntriesToMakeRoomForANewBodyAndReportsEachDrop() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 10);
        List<SpooledProfile> dropped = drops(spool);
        SpooledProfile a = spool(spool, "aaaa", record("a"));
        SpooledProfile b = spool(spool, "bbb", record("b"));
        SpooledProfile c = spool(spool, "ccc", record("c"));

        SpooledProfile d = spool(spool, "dddddd", record("d"));

        assertThat(dropped).extracting(e -> e.record().objectKey()).containsExactly("a", "b");
        assertThat(spool.pending()).containsExactly(c, d);
        assertThat(spool.bytes()).isEqualTo(9);
        assertThat(a.body()).doesNotExist();
        assertThat(dir.resolve(b.id() + ".json")).doesNotExist();
        assertThat(ProfileSpool.open(dir, 10).pending()).extracting(SpooledProfile::id).containsExactly(c.id(), d.id());
    }

    @Test
    void neverDropsAnEntryClaimedByAnUploadInFlight() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 10);
        SpooledProfile a = spool(spool, "aaaaa", record("a"));
        SpooledProfile b = spool(spool, "bbbbb", record("b"));
        assertThat(spool.claim(a)).isTrue();

        SpooledProfile c = spool(spool, "ccccc", record("c"));

        assertThat(spool.pending()).containsExactly(a, c);
        assertThat(spool.claim(b)).as("a dropped entry cannot be claimed").isFalse();
        spool.release(a);
        SpooledProfile d = spool(spool, "ddddd", record("d"));
        assertThat(spool.pending()).containsExactly(c, d);
    }

    @Test
    void refusesABodyThatCannotFitWithoutDroppingAnything() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 10);
        List<SpooledProfile> dropped = drops(spool);
        SpooledProfile a = spool(spool, "aaaaa", record("a"));
        SpooledProfile b = spool(spool, "bbbbb", record("b"));
        spool.claim(a);

        SpoolSlot tooLarge = spool.reserve();
        Files.writeString(tooLarge.tempFile(), "0123456789x");
        assertThatThrownBy(() -> spool.commit(tooLarge, record("big"))).isInstanceOf(SpoolFullException.class)
                .hasMessageContaining("11 bytes");
        SpoolSlot besideClaimed = spool.reserve();
        Files.writeString(besideClaimed.tempFile(), "0123456");
        assertThatThrownBy(() -> spool.commit(besideClaimed, record("c"))).isInstanceOf(SpoolFullException.class);

        assertThat(dropped).isEmpty();
        assertThat(spool.pending()).containsExactly(a, b);
        assertThat(tooLarge.tempFile()).as("left for the caller to discard").exists();
    }

    @Test
    void refusesReservationsOnlyWhileClaimedEntriesFillTheWholeBudget() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 10);
        SpooledProfile a = spool(spool, "aaaaa", record("a"));
        SpooledProfile b = spool(spool, "bbbbb", record("b"));
        spool.claim(a);
        assertThat(spool.reserve().tempFile()).exists();

        spool.claim(b);
        assertThatThrownBy(spool::reserve).isInstanceOf(SpoolFullException.class);

        spool.remove(a);
        assertThat(spool.reserve().tempFile()).exists();
    }

    @Test
    void tellsEntriesFromAPreviousRunFromNewOnes() throws IOException {
        SpooledProfile old = spool(ProfileSpool.open(dir, 1 << 20), "old", record("old"));
        ProfileSpool reopened = ProfileSpool.open(dir, 1 << 20);
        SpooledProfile fresh = spool(reopened, "new", record("new"));

        assertThat(reopened.pending()).extracting(reopened::fromPreviousRun).containsExactly(true, false);
        assertThat(reopened.pending().get(0).id()).isEqualTo(old.id());
        assertThat(reopened.fromPreviousRun(fresh)).isFalse();
    }

    @Test
    void removeDeletesBodyAndRecordAndIsHarmlessTwice() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        SpooledProfile keep = spool(spool, "keep", record("keep"));
        SpooledProfile gone = spool(spool, "gone", record("gone"));

        spool.remove(gone);
        spool.remove(gone);

        assertThat(gone.body()).doesNotExist();
        assertThat(dir.resolve(gone.id() + ".json")).doesNotExist();
        assertThat(spool.pending()).containsExactly(keep);
        assertThat(spool.bytes()).isEqualTo(4);
        assertThat(ProfileSpool.open(dir, 1 << 20).pending()).extracting(SpooledProfile::id).containsExactly(keep.id());
    }

    @Test
    void discardDeletesTheSlotWithoutCommittingIt() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        SpoolSlot slot = spool.reserve();
        Files.writeString(slot.tempFile(), "not a profile");

        spool.discard(slot);

        assertThat(slot.tempFile()).doesNotExist();
        assertThat(spool.count()).isZero();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void refusesToCommitAFileThatIsNotOneOfItsSlots() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        Path elsewhere = Files.writeString(dir.resolve("elsewhere.bin"), "x");

        assertThatThrownBy(() -> spool.commit(new SpoolSlot(elsewhere), record("k")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static SpoolRecord record(String key) {
        return new SpoolRecord(key, new StoreLocation.Directory("/profiles"), Map.of("profile-type", "heap"), Map.of());
    }

    private static SpooledProfile spool(ProfileSpool spool, String body, SpoolRecord record) throws IOException {
        return spool(spool, spool.reserve(), body, record);
    }

    private static SpooledProfile spool(ProfileSpool spool, SpoolSlot slot, String body, SpoolRecord record)
            throws IOException {
        Files.writeString(slot.tempFile(), body, StandardCharsets.UTF_8);
        return spool.commit(slot, record);
    }
}
