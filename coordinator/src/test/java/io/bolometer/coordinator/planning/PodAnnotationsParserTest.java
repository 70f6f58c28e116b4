package io.bolometer.coordinator.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.coordinator.planning.PodAnnotationsParser.PprofEndpoint;
import io.bolometer.coordinator.planning.PodAnnotationsParser.Result;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PodAnnotationsParserTest {

    @Test
    void defaultsToPort6060AndDebugPprof() {
        assertThat(PodAnnotationsParser.parse(Map.of()))
                .isEqualTo(new Result(new PprofEndpoint(6060, "/debug/pprof", null), java.util.List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0", "65536", "-1", "60.5", ""})
    void skipsPodsWithPortsOutsideOneTo65535(String port) {
        Result result = PodAnnotationsParser.parse(Map.of("profiling.io/port", port));

        assertThat(result.endpoint()).isNull();
        assertThat(result.problems()).containsExactly("profiling.io/port \"" + port + "\" is not a port number (1-65535)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "65535", " 8080 "})
    void acceptsPortsInRange(String port) {
        assertThat(PodAnnotationsParser.parse(Map.of("profiling.io/port", port)).endpoint().port())
                .isEqualTo(Integer.parseInt(port.strip()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"debug/pprof", "//evil.example/x", "/x/../../admin", "/a/./b", "/pprof?x=1", "/pprof#f",
            "/with space", "/http://evil", "/tab\there", "/back\\slash"})
    void skipsPodsWithPathsThatCouldLeaveThePprofServer(String path) {
        Result result = PodAnnotationsParser.parse(Map.of("profiling.io/path", path));

        assertThat(result.endpoint()).isNull();
        assertThat(result.problems()).singleElement().asString().startsWith("profiling.io/path " + Echo.quote(path) + " ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/debug/pprof/", "/internal/pprof", "/a..b/c"})
    void acceptsPlainPaths(String path) {
        assertThat(PodAnnotationsParser.parse(Map.of("profiling.io/path", path)).endpoint().path()).isEqualTo(path);
    }

    @Test
    void readsTheTypesOfARequestedCaptureEachOnceInTheirOrder() {
        PodAnnotationsParser.Result result = PodAnnotationsParser.parse(Map.of("profiling.io/capture", "t-1",
                "profiling.io/capture-types", "cpu,Heap, cpu"));

        assertThat(result.problems()).isEmpty();
        assertThat(result.endpoint().captureTypes()).containsExactly(io.bolometer.model.ProfileType.CPU,
                io.bolometer.model.ProfileType.HEAP);
        assertThat(PodAnnotationsParser.parse(Map.of("profiling.io/capture-types", "cpu")).endpoint().captureTypes())
                .as("without a token there is no capture to type").isEmpty();
    }

    @Test
    void anUnknownCaptureTypeIsReportedAndTheCaptureTakesEveryType() {
        PodAnnotationsParser.Result result = PodAnnotationsParser.parse(Map.of("profiling.io/capture", "t-1",
                "profiling.io/capture-types", "cpu,trace"));

        assertThat(result.endpoint().captureToken()).isEqualTo("t-1");
        assertThat(result.endpoint().captureTypes()).isEmpty();
        assertThat(result.problems()).singleElement().asString().startsWith("profiling.io/capture-types \"cpu,trace\"")
                .endsWith("the capture takes every type");
    }

    @Test
    void ignoresAnOverlongCaptureTokenButKeepsThePod() {
        Result result = PodAnnotationsParser.parse(Map.of("profiling.io/capture", "x".repeat(64)));

        assertThat(result.endpoint()).isEqualTo(new PprofEndpoint(6060, "/debug/pprof", null));
        assertThat(result.problems()).singleElement().asString().startsWith("profiling.io/capture \"xxx");
        assertThat(PodAnnotationsParser.parse(Map.of("profiling.io/capture", "x".repeat(63))).endpoint().captureToken())
                .hasSize(63);
        assertThat(PodAnnotationsParser.parse(Map.of("profiling.io/capture", "1765022400")).endpoint().captureToken())
                .isEqualTo("1765022400");
        assertThat(PodAnnotationsParser.parse(Map.of("profiling.io/capture", " ")).endpoint().captureToken()).isNull();
    }

    @Test
    void readsEnabledAsTrueInAnyCaseOnly() {
        assertThat(PodAnnotationsParser.isEnabled(Map.of("profiling.io/enabled", "true"))).isTrue();
        assertThat(PodAnnotationsParser.isEnabled(Map.of("profiling.io/enabled", "True"))).isTrue();
        assertThat(PodAnnotationsParser.isEnabled(Map.of("profiling.io/enabled", "yes"))).isFalse();
        assertThat(PodAnnotationsParser.isEnabled(Map.of("profiling.io/enabled", "1"))).isFalse();
        assertThat(PodAnnotationsParser.isEnabled(Map.of())).isFalse();
    }
}
