package io.bolometer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProfileKeysTest {
    private static final Instant NOON = Instant.parse("2024-01-15T12:00:00Z");
    private static final String POD = "checkout-7d9f8c6b5-x2x4q";

    @Test
    void buildsKeyFromPrefixUtcDateServiceTimestampPodAndType() {
        assertThat(ProfileKeys.objectKey("profiles", NOON, "checkout", POD, ProfileType.HEAP, 1))
                .isEqualTo("profiles/2024-01-15/checkout/20240115120000-checkout-7d9f8c6b5-x2x4q-heap.pprof");
    }

    @Test
    void namesCpuProfilesCpu() {
        assertThat(ProfileKeys.objectKey("p", NOON, "checkout", "web-0", ProfileType.CPU, 1))
                .isEqualTo("p/2024-01-15/checkout/20240115120000-web-0-cpu.pprof");
    }

    @Test
    void appendsSequenceBeforeExtensionForSecondCaptureInSameSecond() {
        assertThat(ProfileKeys.objectKey("profiles", NOON, "checkout", "mypod", ProfileType.HEAP, 2))
                .isEqualTo("profiles/2024-01-15/checkout/20240115120000-mypod-heap-2.pprof");
        assertThat(ProfileKeys.objectKey("profiles", NOON, "checkout", "mypod", ProfileType.HEAP, 3))
                .isEqualTo("profiles/2024-01-15/checkout/20240115120000-mypod-heap-3.pprof");
    }

    @Test
    void rejectsSequenceBelowOne() {
        assertThatThrownBy(() -> ProfileKeys.objectKey("p", NOON, "s", "pod", ProfileType.HEAP, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sequence");
    }

    @Test
    void startsKeyAtTheDateWhenPrefixIsBlank() {
        String expected = "2024-01-15/checkout/20240115120000-mypod-heap.pprof";

        assertThat(ProfileKeys.objectKey("", NOON, "checkout", "mypod", ProfileType.HEAP, 1)).isEqualTo(expected);
        assertThat(ProfileKeys.objectKey("  ", NOON, "checkout", "mypod", ProfileType.HEAP, 1)).isEqualTo(expected);
        assertThat(ProfileKeys.objectKey(null, NOON, "checkout", "mypod", ProfileType.HEAP, 1)).isEqualTo(expected);
        assertThat(ProfileKeys.objectKey("/", NOON, "checkout", "mypod", ProfileType.HEAP, 1)).isEqualTo(expected);
    }

    @Test
    void normalizesLeadingTrailingAndDoubledSlashesInPrefix() {
        assertThat(ProfileKeys.objectKey("/team//profiles/", NOON, "checkout", "mypod", ProfileType.HEAP, 1))
                .isEqualTo("team/profiles/2024-01-15/checkout/20240115120000-mypod-heap.pprof");
    }

    @Test
    void neutralizesDotSegmentsInPrefix() {
        assertThat(ProfileKeys.objectKey("../x/./y", NOON, "s", "mypod", ProfileType.HEAP, 1))
                .isEqualTo("__/x/_/y/2024-01-15/s/20240115120000-mypod-heap.pprof");
    }

    @Test
    void usesUtcAndTruncatesToTheSecond() {
        Instant lastMoment = Instant.parse("2024-01-15T23:59:59.999Z");
        Instant afterMidnight = Instant.parse("2024-01-16T00:00:01Z");

        assertThat(ProfileKeys.objectKey("p", lastMoment, "s", "mypod", ProfileType.GOROUTINE, 1))
                .isEqualTo("p/2024-01-15/s/20240115235959-mypod-goroutine.pprof");
        assertThat(ProfileKeys.objectKey("p", afterMidnight, "s", "mypod", ProfileType.MUTEX, 1))
                .isEqualTo("p/2024-01-16/s/20240116000001-mypod-mutex.pprof");
    }

    @Test
    void keepsServiceAndPodInOneSegmentEach() {
        assertThat(ProfileKeys.objectKey("p", NOON, "team/checkout", "local/app 1", ProfileType.HEAP, 1))
                .isEqualTo("p/2024-01-15/team_checkout/20240115120000-local_app_1-heap.pprof");
        assertThat(ProfileKeys.objectKey("p", NOON, "..", "mypod", ProfileType.HEAP, 1))
                .isEqualTo("p/2024-01-15/__/20240115120000-mypod-heap.pprof");
    }

    @Test
    void formatsTimestampAsRfc3339UtcSeconds() {
        assertThat(ProfileKeys.timestamp(Instant.parse("2024-01-15T12:00:00.750Z"))).isEqualTo("2024-01-15T12:00:00Z");
    }

    @Test
    void givesAKeyTheNextSequenceAfterTheTypeNotAfterAPodNameEndingInADigit() {
        String first = ProfileKeys.objectKey("shop/profiles", Instant.parse("2024-01-15T12:00:00Z"), "app",
                "app-2", ProfileType.HEAP, 1);

        assertThat(first).endsWith("/20240115120000-app-2-heap.pprof");
        assertThat(ProfileKeys.sequenceOf(first, ProfileType.HEAP)).isEqualTo(1);
        String second = ProfileKeys.withSequence(first, ProfileType.HEAP, 2);
        assertThat(second).endsWith("/20240115120000-app-2-heap-2.pprof");
        assertThat(ProfileKeys.sequenceOf(second, ProfileType.HEAP)).isEqualTo(2);
        assertThat(ProfileKeys.withSequence(second, ProfileType.HEAP, 3)).endsWith("/20240115120000-app-2-heap-3.pprof");
        assertThat(ProfileKeys.withSequence(second, ProfileType.HEAP, 1)).isEqualTo(first);
        assertThatThrownBy(() -> ProfileKeys.withSequence(first, ProfileType.CPU, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
