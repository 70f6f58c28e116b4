package io.bolometer.agent.spool;

import static io.bolometer.agent.testing.SpoolFixtures.drops;
import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.store.StoreLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 4: bodies being fetched count against the spool's budget as they arrive, and room is made from the
 * largest backlog first, so a hostile body never grows the spool past its budget and one tenant's backlog never
 * drops another's profiles first.
 */
class SpoolReservationTest {
    private static final StoreLocation S3 = new StoreLocation.S3("bucket", "eu-west-1", "http://127.0.0.1:9", true);
    private static final int KIB = 1024;

    @TempDir
    Path dir;

    @Test
    void refusesMoreBodyThanTheBudgetLeavesBesideOtherFetchesInFlight() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 100 * KIB);
        SpoolSlot first = spool.reserve();
        SpoolSlot second = spool.reserve();

        assertThat(spool.grow(first, 60 * KIB)).isTrue();
        assertThat(spool.grow(second, 50 * KIB)).as("60 + 50 KiB would pass the 100 KiB budget").isFalse();
        assertThat(spool.grow(second, 40 * KIB)).isTrue();
        assertThat(spool.reservedBytes()).isEqualTo(100 * KIB);

        spool.discard(first);

        assertThat(spool.reservedBytes()).isEqualTo(40 * KIB);
        assertThat(spool.grow(second, 50 * KIB)).isTrue();
    }

    @Test
    void refusesANewFetchWhileFetchesInFlightHoldTheWholeBudget() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 100 * KIB);
        assertThat(spool.grow(spool.reserve(), 100 * KIB)).isTrue();

        org.assertj.core.api.Assertions.assertThatThrownBy(spool::reserve).isInstanceOf(SpoolFullException.class);
    }

    @Test
    void makesRoomForABodyFromTheLargestBacklogOldestFirst() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 100 * KIB);
        SpooledProfile shop = commit(spool, "shop/checkout", "shop-0", 10 * KIB);
        List<SpooledProfile> evil = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            evil.add(commit(spool, "evil/flood", "evil-" + i, 20 * KIB));
        }
        List<SpooledProfile> dropped = drops(spool);

        SpoolSlot slot = spool.reserve();
        assertThat(spool.grow(slot, 40 * KIB)).isTrue();

        assertThat(dropped).as("90 KiB spooled + 40 KiB fetched: 30 KiB from evil's backlog, not shop's older profile")
                .extracting(SpooledProfile::id).containsExactly(evil.get(0).id(), evil.get(1).id());
        assertThat(spool.pending()).extracting(SpooledProfile::id).contains(shop.id());
        assertThat(spool.bytes() + spool.reservedBytes()).isLessThanOrEqualTo(100 * KIB);
    }

    @Test
    void dropsTheOldestFirstWhenThereIsOneConfig() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 50 * KIB);
        SpooledProfile oldest = commit(spool, "shop/checkout", "a", 20 * KIB);
        SpooledProfile next = commit(spool, "shop/checkout", "b", 20 * KIB);
        List<SpooledProfile> dropped = drops(spool);

        commit(spool, "shop/checkout", "c", 20 * KIB);

        assertThat(dropped).containsExactly(oldest);
        assertThat(spool.pending()).extracting(SpooledProfile::id).startsWith(next.id());
    }

    @Test
    void neverDropsAProfileBeingUploadedAndRefusesWhenOnlySuchProfilesCouldMakeRoom() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 50 * KIB);
        SpooledProfile uploading = commit(spool, "evil/flood", "a", 40 * KIB);
        assertThat(spool.claim(uploading)).isTrue();

        assertThat(spool.grow(spool.reserve(), 20 * KIB)).isFalse();
        assertThat(spool.pending()).containsExactly(uploading);
    }

    @Test
    void aTenantsFetchesInFlightNeverDropTheProfilesOfATenantUsingLess() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 100 * KIB);
        SpooledProfile shop = commit(spool, "shop/checkout", "shop-0", 30 * KIB);
        List<SpooledProfile> dropped = drops(spool);
        SpoolSlot evil = spool.reserve("evil/flood");
        assertThat(spool.grow(evil, 70 * KIB)).as("fits beside shop's 30 KiB").isTrue();

        assertThat(spool.grow(evil, 10 * KIB)).as("evil would use 80 KiB, shop 30: shop keeps its profile").isFalse();
        assertThat(spool.grow(spool.reserve("evil/flood"), 1)).isFalse();

        assertThat(dropped).isEmpty();
        assertThat(spool.pending()).extracting(SpooledProfile::id).containsExactly(shop.id());
    }

    @Test
    void aTenantUsingLessTakesRoomFromTheTenantUsingMost() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 100 * KIB);
        SpooledProfile shop = commit(spool, "shop/checkout", "shop-0", 20 * KIB);
        SpooledProfile evilOld = commit(spool, "evil/flood", "evil-0", 40 * KIB);
        commit(spool, "evil/flood", "evil-1", 40 * KIB);
        List<SpooledProfile> dropped = drops(spool);

        SpoolSlot slot = spool.reserve("shop/checkout");
        assertThat(spool.grow(slot, 30 * KIB)).isTrue();

        assertThat(dropped).extracting(SpooledProfile::id).containsExactly(evilOld.id());
        assertThat(spool.pending()).extracting(SpooledProfile::id).contains(shop.id());
    }

    @Test
    void aCommitTakesRoomOnlyFromConfigsUsingAtLeastAsMuch() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 100 * KIB);
        SpooledProfile shop = commit(spool, "shop/checkout", "shop-0", 40 * KIB);
        SpooledProfile evilOld = commit(spool, "evil/flood", "evil-0", 30 * KIB);
        SpooledProfile evilNext = commit(spool, "evil/flood", "evil-1", 30 * KIB);

        commit(spool, "evil/flood", "evil-2", 30 * KIB);

        assertThat(spool.pending()).extracting(SpooledProfile::id).contains(shop.id())
                .doesNotContain(evilOld.id()).contains(evilNext.id());
    }

    private static SpooledProfile commit(ProfileSpool spool, String source, String key, int size) throws IOException {
        SpoolSlot slot = spool.reserve(source);
        Files.write(slot.tempFile(), new byte[size]);
        return spool.commit(slot, new SpoolRecord(key, S3, Map.of(), Map.of(), source));
    }
}
