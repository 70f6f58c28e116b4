package io.bolometer.agent.upload;

import io.bolometer.agent.store.StoreLocation;
import static io.bolometer.testing.Await.await;
import static io.bolometer.agent.testing.SpoolFixtures.bodyOf;
import static io.bolometer.agent.testing.SpoolFixtures.spoolProfiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.spool.ProfileSpool;
import io.bolometer.agent.spool.SpooledProfile;
import io.bolometer.agent.testing.InMemoryProfileSink;
import io.bolometer.agent.testing.SpoolFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class SpoolUploaderIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Backoff TINY = new Backoff(Duration.ofMillis(1), Duration.ofMillis(4), 0.5);
    private static final Backoff FOREVER = new Backoff(Duration.ofHours(1), Duration.ofHours(1), 0);
    private static final StoreLocation STORE = new StoreLocation.Directory("/memory");

    @TempDir
    Path dir;

    private final InMemoryProfileSink sink = new InMemoryProfileSink();
    private final RecordingListener listener = new RecordingListener();
    private final List<SpoolUploader> uploaders = new ArrayList<>();

    @AfterEach
    void closeUploaders() {
        uploaders.forEach(SpoolUploader::close);
    }

    @Test
    void uploadsEveryPendingProfileExactlyOnceAndEmptiesTheSpool() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        List<String> keys = spoolProfiles(spool, STORE, 20, "heap");
        uploader(spool, TINY, 4).start();

        await("the spool is empty", WAIT, () -> spool.count() == 0);

        assertThat(sink.objects()).containsOnlyKeys(keys);
        keys.forEach(key -> {
            assertThat(sink.successes(key)).as(key).isEqualTo(1);
            assertThat(new String(sink.objects().get(key).body(), StandardCharsets.UTF_8)).isEqualTo(bodyOf(key));
            assertThat(sink.objects().get(key).metadata()).containsEntry("profile-type", "heap");
        });
        await("every upload is reported", WAIT, () -> listener.uploaded.size() == 20);
        assertThat(listener.uploaded).doesNotHaveDuplicates();
        assertThat(listener.durations).allMatch(took -> !took.isNegative());
    }

    @Test
    void keepsAFailingProfileInTheSpoolAndRetriesItUntilTheSinkAcceptsIt() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        List<String> keys = spoolProfiles(spool, STORE, 3, "heap");
        sink.failFirst(3);
        uploader(spool, TINY, 4).start();

        await("the spool is empty", WAIT, () -> spool.count() == 0);

        keys.forEach(key -> {
            assertThat(sink.attempts(key)).as(key).isEqualTo(4);
            assertThat(sink.successes(key)).as(key).isEqualTo(1);
        });
        await("every upload is reported", WAIT, () -> listener.uploaded.size() == 3);
        assertThat(listener.failedAttempts).hasSize(9).containsOnly(1, 2, 3);
    }

    @Test
    void removesAnEntryFromTheSpoolOnlyAfterTheSinkConfirmedTheStore() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        spoolProfiles(spool, STORE, 1, "heap");
        SpooledProfile entry = spool.pending().get(0);
        sink.hold(true);
        uploader(spool, TINY, 4).start();

        await("the upload is in flight", WAIT, () -> sink.heldCount() == 1);
        assertThat(spool.pending()).containsExactly(entry);
        assertThat(entry.body()).exists();

        sink.releaseOne();
        await("the spool is empty", WAIT, () -> spool.count() == 0);
        assertThat(entry.body()).doesNotExist();
    }

    @Test
    void uploadsWhatAPreviousRunLeftInTheSpool() throws IOException {
        List<String> keys = spoolProfiles(ProfileSpool.open(dir, 1 << 20), STORE, 5, "heap");
        ProfileSpool restarted = ProfileSpool.open(dir, 1 << 20);

        uploader(restarted, TINY, 4).start();

        await("the spool is empty", WAIT, () -> restarted.count() == 0);
        assertThat(sink.objects()).containsOnlyKeys(keys);
        assertThat(ProfileSpool.open(dir, 1 << 20).count()).isZero();
    }

    @Test
    void cleansUpUnfinishedUploadsBeforeRetryingAndBeforeUploadingWhatAPreviousRunLeft() throws IOException {
        List<String> left = spoolProfiles(ProfileSpool.open(dir, 1 << 20), STORE, 2, "heap");
        ProfileSpool restarted = ProfileSpool.open(dir, 1 << 20);
        List<String> fresh = spoolProfiles(restarted, STORE, 1, "goroutine");
        uploader(restarted, TINY, 4).start();
        await("the spool is empty", WAIT, () -> restarted.count() == 0);
        assertThat(sink.cleanups()).containsExactlyInAnyOrderElementsOf(left);

        List<String> failing = spoolProfiles(restarted, STORE, 1, "mutex");
        sink.failFirst(2);
        uploaders.get(0).wake();
        await("the spool is empty again", WAIT, () -> restarted.count() == 0);

        assertThat(sink.cleanups()).doesNotContainAnyElementsOf(fresh)
                .containsExactlyInAnyOrder(left.get(0), left.get(1), failing.get(0), failing.get(0));
    }

    @Test
    void neverUploadsAnEntryTheSpoolDroppedForItsBudgetAndNeverDropsOneInFlight() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 3 * bodyOf(SpoolFixtures.keyOf(0, "heap")).length());
        List<String> keys = spoolProfiles(spool, STORE, 3, "heap");
        sink.hold(true);
        uploader(spool, TINY, 1).start();
        await("the oldest upload is in flight", WAIT, () -> sink.heldCount() == 1);

        List<String> newer = spoolProfiles(spool, STORE, 3, 3, "heap");

        // the in-flight oldest stays; the two waiting behind it made room, then the first new one did
        assertThat(spool.pending()).extracting(e -> e.record().objectKey())
                .containsExactly(keys.get(0), newer.get(1), newer.get(2));
        sink.hold(false);
        sink.releaseAll();
        await("the spool is empty", WAIT, () -> spool.count() == 0);
        assertThat(sink.objects()).containsOnlyKeys(keys.get(0), newer.get(1), newer.get(2));
    }

    @Test
    void uploadsEntriesCommittedAfterStartWhenWoken() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        SpoolUploader uploader = uploader(spool, TINY, 4);
        uploader.start();

        List<String> keys = spoolProfiles(spool, STORE, 2, "heap");
        uploader.wake();

        await("the spool is empty", WAIT, () -> spool.count() == 0);
        assertThat(sink.objects()).containsOnlyKeys(keys);
    }

    @Test
    void neverHasMoreUploadsInFlightThanItsLimit() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        spoolProfiles(spool, STORE, 10, "heap");
        sink.hold(true);
        uploader(spool, TINY, 3).start();

        while (spool.count() > 0) {
            int remaining = spool.count();
            await("an upload is in flight", WAIT, () -> sink.heldCount() == Math.min(3, remaining));
            sink.releaseOne();
            await("the released entry leaves the spool", WAIT, () -> spool.count() == remaining - 1);
        }

        assertThat(sink.maxInFlight()).isEqualTo(3);
    }

    @Test
    void waitsForTheBackoffInsteadOfRetryingWhenWoken() throws Exception {
        FailedOnce failed = failedOnce(1);
        ProfileSpool spool = failed.spool();
        String key = failed.key();
        SpoolUploader uploader = failed.uploader();

        for (int i = 0; i < 5; i++) {
            uploader.wake();
        }

        assertThat(uploader.inFlight().get(10, TimeUnit.SECONDS)).isZero();
        assertThat(sink.attempts(key)).isEqualTo(1);
        assertThat(spool.count()).isEqualTo(1);
    }

    /**
     * One failure before the drain: the waiting entry is retried at once. Two: the attempt in flight when the drain
     * began fails too, and is retried soon rather than after the whole backoff (seen on a real node: its next try
     * waited past the pod's grace period, and the new pod's emptyDir never saw those profiles again).
     */
    @ParameterizedTest(name = "{0} failed attempt(s)")
    @ValueSource(ints = {1, 2})
    void drainRetriesWaitingEntriesSoonAndReportsAnEmptySpool(int failures) throws Exception {
        FailedOnce failed = failedOnce(failures);

        assertThat(failed.uploader().drain(WAIT).get(15, TimeUnit.SECONDS)).isTrue();

        assertThat(sink.attempts(failed.key())).isEqualTo(failures + 1);
        assertThat(failed.spool().count()).isZero();
    }

    @Test
    void drainGivesUpAfterItsTimeoutAndKeepsTheEntries() throws Exception {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        spoolProfiles(spool, STORE, 2, "heap");
        sink.down(key -> true);
        SpoolUploader uploader = uploader(spool, TINY, 4);
        uploader.start();

        assertThat(uploader.drain(Duration.ofMillis(200)).get(10, TimeUnit.SECONDS)).isFalse();

        assertThat(spool.count()).isEqualTo(2);
        assertThat(sink.objects()).isEmpty();
    }

    @Test
    void keepsEntriesWhoseSinkCannotBeCreatedAndUploadsThemOnceItCan() throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        List<String> keys = spoolProfiles(spool, STORE, 2, "heap");
        CopyOnWriteArrayList<Boolean> available = new CopyOnWriteArrayList<>(List.of(false));
        Function<StoreLocation, ProfileSink> sinks = location -> {
            if (!available.get(0)) {
                throw new IllegalStateException("no sink for " + location);
            }
            return sink;
        };
        uploaders.add(new SpoolUploader(spool, sinks, listener, Clock.systemUTC(), TINY));
        uploaders.get(0).start();
        await("both entries failed", WAIT, () -> listener.failedAttempts.size() >= 2);
        assertThat(spool.count()).isEqualTo(2);

        available.set(0, true);

        await("the spool is empty", WAIT, () -> spool.count() == 0);
        assertThat(sink.objects()).containsOnlyKeys(keys);
    }

    @Test
    void drainOfAnEmptySpoolCompletesAtOnce() throws Exception {
        SpoolUploader uploader = uploader(ProfileSpool.open(dir, 1 << 20), FOREVER, 4);

        assertThat(uploader.drain(Duration.ofHours(1)).get(10, TimeUnit.SECONDS)).isTrue();
    }

    private record FailedOnce(ProfileSpool spool, String key, SpoolUploader uploader) {
    }

    /** One heap profile whose sink refuses its first {@code failures} attempts, after the first one failed. */
    private FailedOnce failedOnce(int failures) throws IOException {
        ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
        String key = spoolProfiles(spool, STORE, 1, "heap").get(0);
        sink.failFirst(failures);
        SpoolUploader uploader = uploader(spool, FOREVER, 4);
        uploader.start();
        await("the first attempt failed", WAIT, () -> listener.failedAttempts.size() == 1);
        return new FailedOnce(spool, key, uploader);
    }

    private SpoolUploader uploader(ProfileSpool spool, Backoff backoff, int maxInFlight) {
        SpoolUploader uploader = new SpoolUploader(spool, location -> sink, listener, Clock.systemUTC(), backoff,
                maxInFlight);
        uploaders.add(uploader);
        return uploader;
    }

    /** Records listener calls; they arrive on the uploader's thread. */
    private static final class RecordingListener implements UploadListener {
        final List<String> uploaded = new CopyOnWriteArrayList<>();
        final List<Integer> failedAttempts = new CopyOnWriteArrayList<>();
        final List<Duration> durations = new CopyOnWriteArrayList<>();

        @Override
        public void uploaded(SpooledProfile profile, Duration took) {
            durations.add(took);
            uploaded.add(profile.record().objectKey());
        }

        @Override
        public void failed(SpooledProfile profile, Throwable cause, int attempt) {
            failedAttempts.add(attempt);
        }
    }
}
