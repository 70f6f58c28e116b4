package io.bolometer.agent.insight;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdIndexTest {

    @Test
    void keepsFirstSeenOrderWhenIdsStopBeingSequential() {
        IdIndex index = new IdIndex(1000);
        for (long id = 1; id <= 100; id++) {
            assertThat(index.indexOrAdd(id)).isEqualTo((int) id - 1);
        }

        assertThat(index.indexOrAdd(5000)).isEqualTo(100);
        for (long id = 7; id < 7 + 300; id++) {
            index.indexOrAdd(id * 1_000_003L);
        }

        assertThat(index.indexOf(1)).isZero();
        assertThat(index.indexOf(100)).isEqualTo(99);
        assertThat(index.indexOf(5000)).isEqualTo(100);
        assertThat(index.indexOf(7 * 1_000_003L)).isEqualTo(101);
        assertThat(index.indexOf(101)).isEqualTo(IdIndex.ABSENT);
        assertThat(index.size()).isEqualTo(401);
    }

    @Test
    void refusesNewIdsWhenFullButStillFindsKnownOnes() {
        IdIndex index = new IdIndex(2);
        index.indexOrAdd(1);
        index.indexOrAdd(9);

        assertThat(index.indexOrAdd(3)).isEqualTo(IdIndex.ABSENT);
        assertThat(index.indexOrAdd(9)).isEqualTo(1);
        assertThat(index.isFull()).isTrue();
    }
}
