package io.bolometer.coordinator.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.coordinator.planning.PodAnnotationsParser.PprofEndpoint;
import io.bolometer.coordinator.planning.PodAnnotationsParser.Result;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One case per bad {@code profiling.io/*} annotation value and its exact outcome: the pod is skipped (no endpoint)
 * with this problem, which the coordinator logs once and posts as a Warning Event {@code InvalidAnnotation} on the
 * pod (see {@code controller.PodAnnotationsBadInputKubeTest}).
 */
class PodAnnotationsBadInputTest {

    static Stream<Arguments> badPorts() {
        return Stream.of("abc", "0", "70000", "65536", "-1", "", " ", "60.5", "0x17bc", "6060/tcp", "99999999999")
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "port \"{0}\"")
    @MethodSource("badPorts")
    void skipsThePodAndNamesTheBadPort(String port) {
        Result result = PodAnnotationsParser.parse(Map.of("profiling.io/enabled", "true", "profiling.io/port", port));

        assertThat(result).isEqualTo(new Result(null,
                List.of("profiling.io/port \"" + port + "\" is not a port number (1-65535)")));
    }

    static Stream<Arguments> badPaths() {
        String notAPath = "must start with /";
        String url = "must be a path on the pod, not a URL";
        String dots = "must not contain '.' or '..' segments";
        String chars = "must not contain '?', '#', '\\', whitespace or control characters";
        return Stream.of(
                Arguments.of("", notAPath),
                Arguments.of("debug/pprof", notAPath),
                Arguments.of("http://evil.example/debug/pprof", notAPath),
                Arguments.of("//evil.example/debug/pprof", url),
                Arguments.of("/http://evil.example", url),
                Arguments.of("/..", dots),
                Arguments.of("/debug/../../admin", dots),
                Arguments.of("/debug/./pprof", dots),
                Arguments.of("/debug/pprof/..", dots),
                Arguments.of("/debug/pprof?debug=1", chars),
                Arguments.of("/debug/pprof#top", chars),
                Arguments.of("/debug\\pprof", chars),
                Arguments.of("/debug pprof", chars),
                Arguments.of("/debug/pprof\n", chars),
                Arguments.of("/debug/\u0000pprof", chars),
                Arguments.of("/" + "a".repeat(128), "is longer than 128 characters"),
                Arguments.of("/" + "a".repeat(200_000), "is longer than 128 characters"),
                Arguments.of("/debug/pprof\"<script>", "may contain only letters, digits, '/' and -._~!$&'()*+,;=:@%"),
                Arguments.of("/débug/pprof", "may contain only letters, digits, '/' and -._~!$&'()*+,;=:@%"));
    }

    @ParameterizedTest(name = "path \"{0}\"")
    @MethodSource("badPaths")
    void skipsThePodAndNamesTheBadPath(String path, String why) {
        Result result = PodAnnotationsParser.parse(Map.of("profiling.io/enabled", "true", "profiling.io/path", path));

        assertThat(result).isEqualTo(new Result(null, List.of("profiling.io/path " + Echo.quote(path) + " " + why)));
    }

    @ParameterizedTest(name = "port \"{0}\" and path \"{1}\"")
    @MethodSource("bothBad")
    void namesBothWhenPortAndPathAreBad(String port, String path) {
        Result result = PodAnnotationsParser.parse(Map.of("profiling.io/port", port, "profiling.io/path", path));

        assertThat(result.endpoint()).isNull();
        assertThat(result.problems()).containsExactly(
                "profiling.io/port \"" + port + "\" is not a port number (1-65535)",
                "profiling.io/path \"" + path + "\" must start with /");
    }

    static Stream<Arguments> bothBad() {
        return Stream.of(Arguments.of("abc", "pprof"));
    }

    @ParameterizedTest(name = "capture token {1}")
    @MethodSource("badTokens")
    void keepsProfilingThePodButIgnoresABadCaptureToken(String token, String echoed) {
        Result result = PodAnnotationsParser.parse(Map.of("profiling.io/capture", token));

        assertThat(result).isEqualTo(new Result(new PprofEndpoint(6060, "/debug/pprof", null),
                List.of("profiling.io/capture " + echoed + " is not 1-63 letters, digits, '.', '_' or '-'; the capture"
                        + " request is ignored")));
    }

    static Stream<Arguments> badTokens() {
        return Stream.of(
                Arguments.of("x".repeat(64), "\"" + "x".repeat(64) + "\""),
                Arguments.of("x".repeat(10_000), "\"" + "x".repeat(64) + "…\" (10000 characters)"),
                Arguments.of("1\n2026-12-06 INFO Uploaded all profiles", "\"1\\u000a2026-12-06 INFO Uploaded all profiles\""),
                Arguments.of("2026-12-06T12:00:00Z", "\"2026-12-06T12:00:00Z\""),
                Arguments.of("a b", "\"a b\""));
    }

    @ParameterizedTest(name = "enabled \"{0}\"")
    @MethodSource("notEnabled")
    void doesNotSelectAPodUnlessEnabledIsTrue(String enabled) {
        assertThat(PodAnnotationsParser.isEnabled(Map.of("profiling.io/enabled", enabled))).isFalse();
    }

    static Stream<Arguments> notEnabled() {
        return Stream.of("yes", "1", "on", "", " true", "tru").map(Arguments::of);
    }
}
