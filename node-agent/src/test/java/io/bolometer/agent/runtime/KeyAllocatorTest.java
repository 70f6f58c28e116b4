package io.bolometer.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.model.ProfileType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyAllocatorTest {
    private static final Instant T = Instant.parse("2026-11-25T10:15:30Z");

    @Test
    void givesASecondCaptureInTheSameSecondItsOwnKey() {
        KeyAllocator keys = new KeyAllocator();

        String first = keys.allocate("profiles", T, "checkout", "checkout-7d9f8-x2x", ProfileType.HEAP);
        String second = keys.allocate("profiles", T.plusMillis(400), "checkout", "checkout-7d9f8-x2x", ProfileType.HEAP);

        assertThat(first).isEqualTo("profiles/2026-11-25/checkout/20261125101530-checkout-7d9f8-x2x-heap.pprof");
        assertThat(second).isEqualTo("profiles/2026-11-25/checkout/20261125101530-checkout-7d9f8-x2x-heap-2.pprof");
    }

    @Test
    void avoidsKeysAPreviousRunLeftInTheSpool() {
        KeyAllocator keys = new KeyAllocator();
        keys.reserveAll(List.of("profiles/2026-11-25/checkout/20261125101530-checkout-7d9f8-x2x-cpu.pprof"), T);

        assertThat(keys.allocate("profiles", T, "checkout", "checkout-7d9f8-x2x", ProfileType.CPU))
                .isEqualTo("profiles/2026-11-25/checkout/20261125101530-checkout-7d9f8-x2x-cpu-2.pprof");
    }
}
