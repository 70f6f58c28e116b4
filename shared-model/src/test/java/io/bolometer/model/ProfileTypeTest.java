package io.bolometer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProfileTypeTest {
    @Test
    void asksForCpuThroughProfileWithSeconds() {
        assertThat(ProfileType.CPU.requestPath("/debug/pprof", 10)).isEqualTo("/debug/pprof/profile?seconds=10");
        assertThat(ProfileType.CPU.requestPath("/debug/pprof", 3)).isEqualTo("/debug/pprof/profile?seconds=3");
    }

    @Test
    void asksForHeapAfterAGarbageCollection() {
        assertThat(ProfileType.HEAP.requestPath("/debug/pprof", 10)).isEqualTo("/debug/pprof/heap?gc=1");
    }

    @Test
    void asksForOtherTypesByName() {
        assertThat(ProfileType.GOROUTINE.requestPath("/debug/pprof", 10)).isEqualTo("/debug/pprof/goroutine");
        assertThat(ProfileType.MUTEX.requestPath("/debug/pprof", 10)).isEqualTo("/debug/pprof/mutex");
        assertThat(ProfileType.BLOCK.requestPath("/debug/pprof", 10)).isEqualTo("/debug/pprof/block");
        assertThat(ProfileType.ALLOCS.requestPath("/debug/pprof", 10)).isEqualTo("/debug/pprof/allocs");
    }

    @Test
    void ignoresTrailingSlashOfThePprofPath() {
        assertThat(ProfileType.GOROUTINE.requestPath("/debug/pprof/", 10)).isEqualTo("/debug/pprof/goroutine");
        assertThat(ProfileType.CPU.requestPath("/custom/", 5)).isEqualTo("/custom/profile?seconds=5");
    }

    @Test
    void readsWireNamesIgnoringCaseAndSurroundingSpace() {
        assertThat(ProfileType.fromWireName("heap")).isEqualTo(ProfileType.HEAP);
        assertThat(ProfileType.fromWireName(" CPU ")).isEqualTo(ProfileType.CPU);
        assertThat(ProfileType.ALLOCS).hasToString("allocs");
    }

    @Test
    void rejectsUnknownProfileTypes() {
        assertThatThrownBy(() -> ProfileType.fromWireName("cpux"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cpux'");
        assertThatThrownBy(() -> ProfileType.fromWireName(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesCaptureReasonsAsTheContractSays() {
        assertThat(CaptureReason.THRESHOLD_EXCEEDED.wireName()).isEqualTo("threshold-exceeded");
        assertThat(CaptureReason.ON_DEMAND.wireName()).isEqualTo("on-demand");
        assertThat(CaptureReason.REQUESTED.wireName()).isEqualTo("requested");
        assertThat(CaptureReason.fromWireName("on-demand")).isEqualTo(CaptureReason.ON_DEMAND);
        assertThatThrownBy(() -> CaptureReason.fromWireName("periodic")).isInstanceOf(IllegalArgumentException.class);
    }
}
