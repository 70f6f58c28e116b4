package io.bolometer.agent.insight;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaselineIndexTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    /** An index of {@code maxEntries} slots and 1000 bytes holding a, b, … of these sizes, admitted a second apart. */
    private static BaselineIndex<String> holding(int maxEntries, long... bytes) {
        BaselineIndex<String> index = new BaselineIndex<>(maxEntries, 1000);
        for (int i = 0; i < bytes.length; i++) {
            index.admit(String.valueOf((char) ('a' + i)), T0.plusSeconds(i), bytes[i]);
        }
        return index;
    }

    @Test
    void evictsTheOldestSlotWhenTheEntryBoundIsReached() {
        BaselineIndex<String> index = new BaselineIndex<>(2, 1000);
        index.admit("b", T0.plusSeconds(10), 100);
        index.admit("a", T0, 100);

        BaselineIndex.Admission<String> admission = index.admit("c", T0.plusSeconds(20), 100);

        assertThat(admission).isEqualTo(new BaselineIndex.Admission<>(true, List.of("a")));
        assertThat(index.contains("a")).isFalse();
        assertThat(index.size()).isEqualTo(2);
    }

    @Test
    void evictsAsManyOldSlotsAsTheByteBoundNeeds() {
        BaselineIndex<String> index = holding(10, 400, 400, 100);

        assertThat(index.admit("d", T0.plusSeconds(3), 900).evicted()).containsExactly("a", "b");
        assertThat(index.bytes()).isEqualTo(1000);
    }

    @Test
    void replacesASlotWithANewerBaselineWithoutEvictingOthers() {
        BaselineIndex<String> index = holding(2, 500, 400);

        assertThat(index.admit("a", T0.plusSeconds(2), 600)).isEqualTo(new BaselineIndex.Admission<>(true, List.of()));
        assertThat(index.bytes()).isEqualTo(1000);
    }

    @Test
    void refusesAnOlderBaselineForASlotAndOneThatWouldBeEvictedFirst() {
        BaselineIndex<String> index = new BaselineIndex<>(1, 1000);
        index.admit("a", T0.plusSeconds(5), 100);

        assertThat(index.admit("a", T0, 100).admitted()).isFalse();
        assertThat(index.admit("b", T0, 100).admitted()).isFalse();
        assertThat(index.admit("c", T0, 2000).admitted()).isFalse();
        assertThat(index.contains("a")).isTrue();
        assertThat(index.bytes()).isEqualTo(100);
    }
}
