package io.bolometer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProfileTypeTest {
    @ParameterizedTest(name = "{0}: {1} at {2} ({3} s) -> {4}")
    @CsvSource({
            "cpu through profile with seconds, CPU, /debug/pprof, 10, /debug/pprof/profile?seconds=10",
            "cpu through profile with seconds, CPU, /debug/pprof, 3, /debug/pprof/profile?seconds=3",
            "heap after a garbage collection, HEAP, /debug/pprof, 10, /debug/pprof/heap?gc=1",
            "other types by name, GOROUTINE, /debug/pprof, 10, /debug/pprof/goroutine",
            "other types by name, MUTEX, /debug/pprof, 10, /debug/pprof/mutex",
            "other types by name, BLOCK, /debug/pprof, 10, /debug/pprof/block",
            "other types by name, ALLOCS, /debug/pprof, 10, /debug/pprof/allocs",
            "trailing slash of the pprof path ignored, GOROUTINE, /debug/pprof/, 10, /debug/pprof/goroutine",
            "trailing slash of the pprof path ignored, CPU, /custom/, 5, /custom/profile?seconds=5",
    })
    void asksForEachTypeAtItsPathUnderThePprofRoot(String rule, ProfileType type, String pprofPath, int seconds,
                                                   String requestPath) {
        assertThat(type.requestPath(pprofPath, seconds)).isEqualTo(requestPath);
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
