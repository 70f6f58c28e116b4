package io.bolometer.agent.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bolometer.agent.targets.PodRef;
import io.bolometer.testing.SummaryJson;
import io.bolometer.agent.trigger.Evaluation;
import io.bolometer.agent.trigger.PodUsage;
import io.bolometer.agent.targets.ResourceLimits;
import io.bolometer.agent.trigger.ThresholdTrigger;
import io.bolometer.agent.trigger.UsageSourceException;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad kubelet {@code /stats/summary} answers, one case each, with the exact outcome: the whole answer refused as
 * {@code bad-response} (the agent counts {@code profiling_errors_total{stage="kubelet"}}, logs once, pauses threshold
 * checks for that round), one pod entry ignored (counted in {@code skippedPods}), or one reading read as unknown (-1:
 * no rate, no percentage, so no threshold capture) while the other pods keep their figures.
 */
class KubeletSummaryBadInputTest {
    private static final Instant READ_AT = Instant.parse("2024-01-15T12:00:05Z");
    private static final PodRef OK = new PodRef("ns", "ok");
    private static final PodRef ODD = new PodRef("ns", "odd");
    private static final String OK_POD = pod("ok", "\"cpu\":{\"usageCoreNanoSeconds\":42},\"memory\":{\"workingSetBytes\":7}");

    private final KubeletSummaryParser parser = new KubeletSummaryParser();

    static Stream<Arguments> refusedAnswers() {
        return Stream.of(
                Arguments.of("empty body", "", "kubelet summary is not a JSON object"),
                Arguments.of("JSON array", "[]", "kubelet summary is not a JSON object"),
                Arguments.of("JSON number", "42", "kubelet summary is not a JSON object"),
                Arguments.of("JSON string", "\"summary\"", "kubelet summary is not a JSON object"),
                Arguments.of("API Status object", "{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":503}",
                        "kubelet summary has neither a node object nor a pods array"),
                Arguments.of("empty object", "{}", "kubelet summary has neither a node object nor a pods array"),
                Arguments.of("pods is an object", "{\"node\":{},\"pods\":{}}", "kubelet summary's pods is not an array"),
                Arguments.of("pods is a string", "{\"node\":{},\"pods\":\"none\"}", "kubelet summary's pods is not an array"),
                Arguments.of("cut off", "{\"node\":{\"nodeName\":\"n\"},\"pods\":[" + OK_POD,
                        "kubelet summary is not valid JSON: "),
                Arguments.of("not JSON", "<html>502 Bad Gateway</html>", "kubelet summary is not valid JSON: "),
                Arguments.of("trailing garbage", "{\"node\":{}} trailing", "kubelet summary is not valid JSON: "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedAnswers")
    void refusesTheWholeAnswerAsBadResponse(String name, String body, String message) {
        assertThatThrownBy(() -> parser.parse(body, READ_AT)).isInstanceOfSatisfying(UsageSourceException.class, e -> {
            assertThat(e.kind()).isEqualTo("bad-response");
            if (message.endsWith(": ")) {
                assertThat(e.getMessage()).startsWith(message).hasSizeGreaterThan(message.length());
            } else {
                assertThat(e.getMessage()).isEqualTo(message);
            }
        });
    }

    static Stream<Arguments> ignoredPods() {
        return Stream.of(
                Arguments.of("no podRef", "{\"cpu\":{\"usageCoreNanoSeconds\":1}}"),
                Arguments.of("no namespace", "{\"podRef\":{\"name\":\"x\"}}"),
                Arguments.of("no name", "{\"podRef\":{\"namespace\":\"ns\"}}"),
                Arguments.of("empty name", "{\"podRef\":{\"name\":\"\",\"namespace\":\"ns\"}}"),
                Arguments.of("name a number", "{\"podRef\":{\"name\":7,\"namespace\":\"ns\"}}"),
                Arguments.of("podRef a string", "{\"podRef\":\"ns/x\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ignoredPods")
    void ignoresAPodEntryItCannotNameAndKeepsTheOthers(String name, String entry) {
        KubeletSummary summary = parser.parse("{\"pods\":[" + entry + "," + OK_POD + "]}", READ_AT);

        assertThat(summary.usage().pods()).containsOnlyKeys(OK);
        assertThat(summary.skippedPods()).isEqualTo(1);
        assertThat(summary.usage().pods().get(OK)).isEqualTo(new PodUsage(READ_AT, 42, 7));
    }

    static Stream<Arguments> unknownReadings() {
        return Stream.of(
                Arguments.of("negative cpu", "\"cpu\":{\"usageCoreNanoSeconds\":-5},\"memory\":{\"workingSetBytes\":9}", -1L, 9L),
                Arguments.of("cpu beyond int64 (wrapped uint64)",
                        "\"cpu\":{\"usageCoreNanoSeconds\":18446744073709551615},\"memory\":{\"workingSetBytes\":9}", -1L, 9L),
                Arguments.of("fractional cpu", "\"cpu\":{\"usageCoreNanoSeconds\":1.5},\"memory\":{\"workingSetBytes\":9}", -1L, 9L),
                Arguments.of("cpu as text", "\"cpu\":{\"usageCoreNanoSeconds\":\"123\"},\"memory\":{\"workingSetBytes\":9}", -1L, 9L),
                Arguments.of("cpu 1e30", "\"cpu\":{\"usageCoreNanoSeconds\":1e30},\"memory\":{\"workingSetBytes\":9}", -1L, 9L),
                Arguments.of("cpu missing", "\"memory\":{\"workingSetBytes\":9}", -1L, 9L),
                Arguments.of("negative working set", "\"cpu\":{\"usageCoreNanoSeconds\":3},\"memory\":{\"workingSetBytes\":-1}", 3L, -1L),
                Arguments.of("working set above 1 PiB", "\"cpu\":{\"usageCoreNanoSeconds\":3},\"memory\":{\"workingSetBytes\":"
                        + (1L << 51) + "}", 3L, -1L),
                Arguments.of("working set null", "\"cpu\":{\"usageCoreNanoSeconds\":3},\"memory\":{\"workingSetBytes\":null}", 3L, -1L),
                Arguments.of("memory missing", "\"cpu\":{\"usageCoreNanoSeconds\":3}", 3L, -1L),
                Arguments.of("no stats at all", "\"containers\":[]", -1L, -1L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownReadings")
    void readsAnImplausibleOrMissingFigureAsUnknownWithoutLosingOtherPods(String name, String stats, long cpu,
                                                                          long memory) {
        KubeletSummary summary = parser.parse("{\"pods\":[" + pod("odd", stats) + "," + OK_POD + "]}", READ_AT);

        assertThat(summary.usage().pods().get(ODD)).isEqualTo(new PodUsage(READ_AT, cpu, memory));
        assertThat(summary.usage().pods().get(OK)).isEqualTo(new PodUsage(READ_AT, 42, 7));
        assertThat(summary.skippedPods()).isZero();
    }

    static Stream<Arguments> noThresholdCapture() {
        Instant t0 = Instant.parse("2024-01-15T12:00:00Z");
        Instant t1 = t0.plusSeconds(5);
        return Stream.of(
                Arguments.of("cpu counter leaps by more than any machine could run (5,000 cores for 5 s)",
                        SummaryJson.node("n").withPod("ns", "odd", "u", 1_000_000_000L, 1 << 20, t0).build(),
                        SummaryJson.node("n").withPod("ns", "odd", "u", 1_000_000_000L + 25_000_000_000_000L, 1 << 20, t1).build()),
                Arguments.of("cpu counter jumps to int64 max",
                        SummaryJson.node("n").withPod("ns", "odd", "u", 1_000_000_000L, 1 << 20, t0).build(),
                        SummaryJson.node("n").withPod("ns", "odd", "u", Long.MAX_VALUE, 1 << 20, t1).build()),
                Arguments.of("cpu counter goes backwards (container restart)",
                        SummaryJson.node("n").withPod("ns", "odd", "u", 900_000_000_000L, 1 << 20, t0).build(),
                        SummaryJson.node("n").withPod("ns", "odd", "u", 1_000L, 1 << 20, t1).build()),
                Arguments.of("reading time goes backwards",
                        SummaryJson.node("n").withPod("ns", "odd", "u", 1_000_000_000L, 1 << 20, t1).build(),
                        SummaryJson.node("n").withPod("ns", "odd", "u", 90_000_000_000L, 1 << 20, t0).build()),
                Arguments.of("working set above 1 PiB",
                        SummaryJson.node("n").withPod("ns", "odd", "u", 1_000_000_000L, 1 << 20, t0).build(),
                        SummaryJson.node("n").withPod("ns", "odd", "u", 1_000_000_001L, 1L << 51, t1).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("noThresholdCapture")
    void aBogusReadingFiresNoThresholdCapture(String name, String first, String second) {
        ThresholdTrigger trigger = new ThresholdTrigger(80, 90, Duration.ofMinutes(5));
        ResourceLimits oneCoreHalfGig = ResourceLimits.configured(1.0, 512L << 20);

        Evaluation before = trigger.evaluate(parser.parse(first, READ_AT).usage().pods().get(ODD), oneCoreHalfGig, READ_AT);
        Evaluation after = trigger.evaluate(parser.parse(second, READ_AT).usage().pods().get(ODD), oneCoreHalfGig,
                READ_AT.plusSeconds(5));

        assertThat(before.decision()).isEqualTo(Evaluation.Decision.BELOW_THRESHOLD);
        assertThat(after.decision()).isEqualTo(Evaluation.Decision.BELOW_THRESHOLD);
        assertThat(after.violated()).as("neither cpu (%s) nor memory (%s) counts as crossed", after.cpuPercent(),
                after.memoryPercent()).isFalse();
    }

    private static String pod(String name, String rest) {
        return "{\"podRef\":{\"name\":\"" + name + "\",\"namespace\":\"ns\",\"uid\":\"u-" + name + "\"}," + rest + "}";
    }
}
