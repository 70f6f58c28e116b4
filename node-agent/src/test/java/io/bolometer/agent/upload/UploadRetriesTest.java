package io.bolometer.agent.upload;

import io.bolometer.agent.store.StoreLocation;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Retry decisions of the uploader, on instants given by the test: attempts, pauses, give-up, drain. */
class UploadRetriesTest {
    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
    /** No jitter, so delays are exact: 1 s, 2 s, 4 s, then 8 s for ever. */
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), 0);
    private static final StoreLocation S3 = new StoreLocation.S3("profiles", "us-east-1", null, false);
    private static final StoreLocation OTHER = new StoreLocation.S3("other", "us-east-1", null, false);

    private final UploadRetries retries = new UploadRetries(BACKOFF, 3, Duration.ofSeconds(1));

    @Test
    void aNewEntryMayStartAtOnce() {
        assertThat(retries.mayStart("a", S3, T0)).isTrue();
        assertThat(retries.failedAttempts("a")).isZero();
    }

    @Test
    void aFailedEntryWaitsItsDoublingBackoffAndCountsItsAttempts() {
        Instant now = T0;
        for (int attempt = 1; attempt <= 5; attempt++) {
            UploadRetries.Outcome outcome = retries.failed("a", S3, false, false, now);
            Duration expected = Duration.ofSeconds(Math.min(8, 1L << (attempt - 1)));

            assertThat(outcome).isEqualTo(new UploadRetries.Outcome.RetryAt(now.plus(expected), attempt));
            assertThat(retries.mayStart("a", S3, now.plus(expected).minusMillis(1))).as("attempt %d, just before", attempt)
                    .isFalse();
            assertThat(retries.mayStart("a", S3, now.plus(expected))).as("attempt %d, when due", attempt).isTrue();
            now = now.plus(expected);
        }
        assertThat(retries.failedAttempts("a")).isEqualTo(5);
    }

    @Test
    void aFailurePausesTheWholeStoreButNoOtherStore() {
        retries.failed("a", S3, false, false, T0);

        assertThat(retries.mayStart("b", S3, T0.plusMillis(500))).as("another entry of the same store").isFalse();
        assertThat(retries.mayStart("c", OTHER, T0.plusMillis(500))).as("an entry of another store").isTrue();
        assertThat(retries.mayStart("b", S3, T0.plusSeconds(1))).as("after the pause").isTrue();
    }

    @Test
    void theStorePauseGrowsWithConsecutiveFailuresAndResetsOnASuccess() {
        retries.failed("a", S3, false, false, T0);
        retries.failed("b", S3, false, false, T0.plusSeconds(1));
        assertThat(retries.mayStart("c", S3, T0.plusSeconds(2))).as("second pause is 2 s").isFalse();
        assertThat(retries.mayStart("c", S3, T0.plusSeconds(3))).isTrue();

        retries.succeeded("c", S3);
        retries.failed("d", S3, false, false, T0.plusSeconds(3));
        assertThat(retries.mayStart("e", S3, T0.plusSeconds(4))).as("after a success the pause starts at 1 s again")
                .isTrue();
    }

    @Test
    void aFailureWhileTheStoreIsPausedDoesNotLengthenThePause() {
        retries.failed("a", S3, false, false, T0);
        retries.failed("b", S3, false, false, T0.plusMillis(100));

        assertThat(retries.mayStart("c", S3, T0.plusSeconds(1))).isTrue();
    }

    @Test
    void givesUpAfterThreePermanentRefusalsOnly() {
        assertThat(retries.failed("a", S3, true, false, T0)).isInstanceOf(UploadRetries.Outcome.RetryAt.class);
        assertThat(retries.failed("a", S3, false, false, T0.plusSeconds(10))).isInstanceOf(UploadRetries.Outcome.RetryAt.class);
        assertThat(retries.failed("a", S3, true, false, T0.plusSeconds(20))).isInstanceOf(UploadRetries.Outcome.RetryAt.class);

        assertThat(retries.failed("a", S3, true, false, T0.plusSeconds(40))).isEqualTo(new UploadRetries.Outcome.GiveUp(4));
        assertThat(retries.failedAttempts("a")).as("forgotten").isZero();
    }

    @Test
    void whileDrainingNoWaitIsLongerThanTheDrainRetry() {
        Instant now = T0;
        for (int attempt = 1; attempt <= 4; attempt++) {
            retries.failed("a", S3, false, true, now);
            now = now.plusSeconds(1);
            assertThat(retries.mayStart("a", S3, now)).as("attempt %d", attempt).isTrue();
        }
    }

    @Test
    void releaseAllLetsEverythingGoNow() {
        retries.failed("a", S3, false, false, T0);
        retries.failed("a", S3, false, false, T0.plusSeconds(1));

        retries.releaseAll();

        assertThat(retries.mayStart("a", S3, T0.plusSeconds(1))).isTrue();
        assertThat(retries.failedAttempts("a")).as("the attempts still count").isEqualTo(2);
    }

    @Test
    void nextReleaseIsTheEarliestWaitStillAhead() {
        assertThat(retries.nextRelease(T0)).isEmpty();
        retries.failed("a", S3, false, false, T0);
        retries.failed("a", S3, false, false, T0.plusSeconds(1));
        retries.failed("b", OTHER, false, false, T0.plusSeconds(1));

        assertThat(retries.nextRelease(T0.plusSeconds(1))).contains(T0.plusSeconds(2));
        assertThat(retries.nextRelease(T0.plusSeconds(2))).contains(T0.plusSeconds(3));
        assertThat(retries.nextRelease(T0.plusSeconds(3))).isEmpty();
    }

    @Test
    void forgetsEntriesThatLeftTheSpool() {
        retries.failed("a", S3, false, false, T0);
        retries.failed("b", S3, false, false, T0);

        retries.retainEntries(Set.of("b"));

        assertThat(retries.failedAttempts("a")).isZero();
        assertThat(retries.failedAttempts("b")).isEqualTo(1);
    }
}
