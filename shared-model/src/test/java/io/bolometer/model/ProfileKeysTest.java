package io.bolometer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProfileKeysTest {
    private static final Instant NOON = Instant.parse("2024-01-15T12:00:00Z");

    /** The key contract: {prefix}/{YYYY-MM-DD}/{service}/{YYYYMMDDHHmmss}-{pod}-{type}[-{sequence}].pprof, UTC. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            from prefix, UTC date, service, timestamp, pod and type | profiles | 2024-01-15T12:00:00Z | checkout | checkout-7d9f8c6b5-x2x4q | heap | 1 | profiles/2024-01-15/checkout/20240115120000-checkout-7d9f8c6b5-x2x4q-heap.pprof
            cpu profiles are named cpu | p | 2024-01-15T12:00:00Z | checkout | web-0 | cpu | 1 | p/2024-01-15/checkout/20240115120000-web-0-cpu.pprof
            a second capture in the same second: sequence before the extension | profiles | 2024-01-15T12:00:00Z | checkout | mypod | heap | 2 | profiles/2024-01-15/checkout/20240115120000-mypod-heap-2.pprof
            a third | profiles | 2024-01-15T12:00:00Z | checkout | mypod | heap | 3 | profiles/2024-01-15/checkout/20240115120000-mypod-heap-3.pprof
            an empty prefix starts at the date | '' | 2024-01-15T12:00:00Z | checkout | mypod | heap | 1 | 2024-01-15/checkout/20240115120000-mypod-heap.pprof
            a blank prefix too | '  ' | 2024-01-15T12:00:00Z | checkout | mypod | heap | 1 | 2024-01-15/checkout/20240115120000-mypod-heap.pprof
            no prefix too | NULL | 2024-01-15T12:00:00Z | checkout | mypod | heap | 1 | 2024-01-15/checkout/20240115120000-mypod-heap.pprof
            a lone slash too | / | 2024-01-15T12:00:00Z | checkout | mypod | heap | 1 | 2024-01-15/checkout/20240115120000-mypod-heap.pprof
            leading, trailing and doubled slashes in the prefix are normalized | /team//profiles/ | 2024-01-15T12:00:00Z | checkout | mypod | heap | 1 | team/profiles/2024-01-15/checkout/20240115120000-mypod-heap.pprof
            dot segments in the prefix are neutralized | ../x/./y | 2024-01-15T12:00:00Z | s | mypod | heap | 1 | __/x/_/y/2024-01-15/s/20240115120000-mypod-heap.pprof
            UTC, truncated to the second | p | 2024-01-15T23:59:59.999Z | s | mypod | goroutine | 1 | p/2024-01-15/s/20240115235959-mypod-goroutine.pprof
            the next UTC day | p | 2024-01-16T00:00:01Z | s | mypod | mutex | 1 | p/2024-01-16/s/20240116000001-mypod-mutex.pprof
            service and pod stay one segment each | p | 2024-01-15T12:00:00Z | team/checkout | local/app 1 | heap | 1 | p/2024-01-15/team_checkout/20240115120000-local_app_1-heap.pprof
            a dot-dot service is neutralized | p | 2024-01-15T12:00:00Z | .. | mypod | heap | 1 | p/2024-01-15/__/20240115120000-mypod-heap.pprof
            """)
    void buildsTheContractKey(String what, String prefix, Instant time, String service, String pod, String type,
                              int sequence, String expected) {
        assertThat(ProfileKeys.objectKey(prefix, time, service, pod, ProfileType.valueOf(type.toUpperCase()), sequence))
                .isEqualTo(expected);
    }

    @Test
    void rejectsSequenceBelowOne() {
        assertThatThrownBy(() -> ProfileKeys.objectKey("p", NOON, "s", "pod", ProfileType.HEAP, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sequence");
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
