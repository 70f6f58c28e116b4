package io.bolometer.agent.insight;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaselineIndexTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

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
        BaselineIndex<String> index = new BaselineIndex<>(10, 1000);
        index.admit("a", T0, 400);
        index.admit("b", T0.plusSeconds(1), 400);
        index.admit("c", T0.plusSeconds(2), 100);

        assertThat(index.admit("d", T0.plusSeconds(3), 900).evicted()).containsExactly("a", "b");
        assertThat(index.bytes()).isEqualTo(1000);
    }

    @Test
    void replacesASlotWithANewerBaselineWithoutEvictingOthers() {
        BaselineIndex<String> index = new BaselineIndex<>(2, 1000);
        index.admit("a", T0, 500);
        index.admit("b", T0.plusSeconds(1), 400);

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
