package io.bolometer.agent.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bolometer.agent.targets.PodRef;
import io.bolometer.testing.SummaryJson;
import io.bolometer.agent.trigger.PodUsage;
import io.bolometer.agent.trigger.UsageSourceException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KubeletSummaryParserTest {

    private static final Instant READ_AT = Instant.parse("2024-01-15T12:00:05Z");
    private static final PodRef CHECKOUT = new PodRef("shop", "checkout-7d9f8-x2x");

    private final KubeletSummaryParser parser = new KubeletSummaryParser();

    @Test
    void readsPodLevelCpuAndWorkingSetFromTheCpuAndMemoryOnlyAnswer() {
        KubeletSummary summary = parser.parse(fixture("summary-cpu-and-memory.json"), READ_AT);

        assertThat(summary.usage().readAt()).isEqualTo(READ_AT);
        assertThat(summary.usage().pods()).hasSize(3);
        assertThat(summary.usage().pods().get(CHECKOUT)).isEqualTo(
                new PodUsage(Instant.parse("2024-01-15T11:59:58Z"), 7_426_912_881_507L, 462_946_304L));
        assertThat(summary.podUids()).containsEntry(CHECKOUT, "8f0c6a42-3f1e-4b55-9d61-2b7f1c3e9a10");
        assertThat(summary.skippedPods()).isZero();
    }

    @Test
    void readsTheNodeNameAndTheNodesOwnUsage() {
        KubeletSummary summary = parser.parse(fixture("summary-cpu-and-memory.json"), READ_AT);

        assertThat(summary.nodeName()).isEqualTo("ip-10-0-1-5.eu-west-1.compute.internal");
        assertThat(summary.node()).isEqualTo(
                new PodUsage(Instant.parse("2024-01-15T12:00:01Z"), 478_233_100_671_455L, 3_529_640_960L));
    }

    @Test
    void keepsNanosecondTimestampsOfTheCriStatsProvider() {
        KubeletSummary summary = parser.parse(fixture("summary-cpu-and-memory.json"), READ_AT);

        assertThat(summary.usage().pods().get(new PodRef("kube-system", "kube-proxy-7xk2p")).time())
                .isEqualTo(Instant.parse("2024-01-15T12:00:00.318204917Z"));
    }

    @Test
    void addsUpContainersWhenThePodLevelFiguresAreMissing() {
        KubeletSummary summary = parser.parse(fixture("summary-containers-only.json"), READ_AT);

        PodUsage payments = summary.usage().pods().get(new PodRef("billing", "payments-6f8d9-k4w2t"));
        assertThat(payments.cpuUsageCoreNanoSeconds()).isEqualTo(2_904_411_870_355L + 150_229_004_512L);
        assertThat(payments.workingSetBytes()).isEqualTo(219_193_344L + 41_435_136L);
        assertThat(payments.time()).isEqualTo(Instant.parse("2024-01-15T11:59:57Z"));
    }

    @Test
    void reportsCpuAsUnknownWhenOneContainerLacksIt() {
        KubeletSummary summary = parser.parse(fixture("summary-containers-only.json"), READ_AT);

        PodUsage ledger = summary.usage().pods().get(new PodRef("billing", "ledger-0"));
        assertThat(ledger.cpuUsageCoreNanoSeconds()).isEqualTo(-1);
        assertThat(ledger.workingSetBytes()).isEqualTo(77_594_624L + 4_186_112L);
    }

    @Test
    void needsNoUsageNanoCoresAndIgnoresTheBlocksOfTheFullSummary() {
        KubeletSummary summary = parser.parse(fixture("summary-missing-usage-nano-cores.json"), READ_AT);

        assertThat(summary.usage().pods()).containsOnlyKeys(new PodRef("catalog", "search-api-84c7d-5mbfx"));
        assertThat(summary.usage().pods().get(new PodRef("catalog", "search-api-84c7d-5mbfx"))).isEqualTo(
                new PodUsage(Instant.parse("2024-01-15T12:00:00Z"), 40_131_006_712_337L, 878_968_832L));
        assertThat(summary.node().cpuUsageCoreNanoSeconds()).isEqualTo(1_310_084_411_207_716L);
    }

    @Test
    void readsZeroCountersOfAYoungPodAsNotMeasuredYet() {
        Instant at = Instant.parse("2024-01-15T12:00:00Z");
        String json = SummaryJson.node("n1").withPod("shop", "young", "uid-1", 0L, 0L, at)
                .add(SummaryJson.pod("shop", "young-containers", "uid-2", 0L, 0L, at).containersOnly()).build();

        KubeletSummary summary = parser.parse(json, READ_AT);

        assertThat(summary.usage().pods().get(new PodRef("shop", "young"))).isEqualTo(new PodUsage(at, -1, -1));
        assertThat(summary.usage().pods().get(new PodRef("shop", "young-containers"))).isEqualTo(new PodUsage(at, -1, -1));
    }

    @Test
    void fallsBackToTheContainersWhileARealKubeletReportsAYoungPodAsZero() throws Exception {
        KubeletSummary summary = parser.parse(fixture("summary-real-node-young-pods.json"), READ_AT);

        assertThat(summary.nodeName()).isEqualTo("vm");
        assertThat(summary.usage().pods().get(new PodRef("default", "sample-app-d47f6d8b6-p8mm6"))).isEqualTo(
                new PodUsage(Instant.parse("2026-12-06T12:51:16Z"), 29_094_903L, 1_527_808L));
    }

    @Test
    void givesTheSameSampleForTwoPollsInsideOneHousekeepingInterval() throws Exception {
        PodRef pod = new PodRef("default", "sample-app-d47f6d8b6-kst5p");
        PodUsage first = parser.parse(fixture("summary-real-node-poll-1.json"), READ_AT).usage().pods().get(pod);
        PodUsage second = parser.parse(fixture("summary-real-node-poll-2.json"), READ_AT.plusSeconds(1)).usage().pods().get(pod);

        assertThat(first).isEqualTo(new PodUsage(Instant.parse("2026-12-06T12:51:48Z"), 49_903_171L, 1_929_216L));
        assertThat(second).isEqualTo(first);
    }

    @Test
    void readsWhatTheTestBuilderWrites() {
        Instant at = Instant.parse("2024-01-15T12:00:00.5Z");
        String json = SummaryJson.node("kind-worker").withPod("shop", "cart-1", "uid-1", 5_000_000_000L, 64_000_000L, at)
                .add(SummaryJson.pod("shop", "cart-2", "uid-2", 7L, 9L, at).containersOnly()).build();

        KubeletSummary summary = parser.parse(json, READ_AT);

        assertThat(summary.usage().pods()).containsEntry(new PodRef("shop", "cart-1"),
                new PodUsage(at, 5_000_000_000L, 64_000_000L));
        assertThat(summary.usage().pods()).containsEntry(new PodRef("shop", "cart-2"), new PodUsage(at, 7L, 9L));
    }

    @Test
    void givesAnEmptySnapshotForANodeWithoutPods() {
        assertThat(parser.parse("{\"node\":{\"nodeName\":\"n1\"},\"pods\":[]}", READ_AT).usage().pods()).isEmpty();
        assertThat(parser.parse("{\"node\":{\"nodeName\":\"n1\"},\"pods\":null}", READ_AT).usage().pods()).isEmpty();
        assertThat(parser.parse("{\"node\":{\"nodeName\":\"n1\"}}", READ_AT).usage().pods()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5", "18446744073709551615", "1.5", "\"123\"", "null", "1e30"})
    void treatsAnImplausibleCpuCounterAsUnknownWithoutLosingOtherPods(String value) {
        String json = "{\"pods\":[" + pod("a", "\"cpu\":{\"usageCoreNanoSeconds\":" + value + "}")
                + "," + pod("b", "\"cpu\":{\"usageCoreNanoSeconds\":42}") + "]}";

        KubeletSummary summary = parser.parse(json, READ_AT);

        assertThat(summary.usage().pods().get(new PodRef("ns", "a")).cpuUsageCoreNanoSeconds()).isEqualTo(-1);
        assertThat(summary.usage().pods().get(new PodRef("ns", "b")).cpuUsageCoreNanoSeconds()).isEqualTo(42);
    }

    @Test
    void treatsAWorkingSetAbovePebibyteAsUnknown() {
        String json = "{\"pods\":[" + pod("a", "\"memory\":{\"workingSetBytes\":" + (1L << 51) + "}") + "]}";

        assertThat(parser.parse(json, READ_AT).usage().pods().get(new PodRef("ns", "a")).workingSetBytes())
                .isEqualTo(-1);
    }

    @Test
    void fallsBackToTheReadTimeWhenNoTimeIsGivenOrReadable() {
        String json = "{\"pods\":[" + pod("a", "\"cpu\":{\"time\":\"yesterday\",\"usageCoreNanoSeconds\":1}")
                + "," + pod("b", "\"memory\":{\"time\":\"2024-01-15T13:00:00+01:00\",\"workingSetBytes\":2}") + "]}";

        KubeletSummary summary = parser.parse(json, READ_AT);

        assertThat(summary.usage().pods().get(new PodRef("ns", "a")).time()).isEqualTo(READ_AT);
        assertThat(summary.usage().pods().get(new PodRef("ns", "b")).time())
                .isEqualTo(Instant.parse("2024-01-15T12:00:00Z"));
    }

    @Test
    void reportsBothCountersAsUnknownForAPodWithoutAnyStats() {
        String json = "{\"pods\":[" + pod("a", "\"containers\":[]") + "]}";

        assertThat(parser.parse(json, READ_AT).usage().pods().get(new PodRef("ns", "a")))
                .isEqualTo(new PodUsage(READ_AT, -1, -1));
    }

    @Test
    void skipsAndCountsEntriesWithoutANameOrNamespace() {
        String json = "{\"pods\":[{\"podRef\":{\"name\":\"x\"}},{\"cpu\":{}},{\"podRef\":{\"name\":\"\",\"namespace\":\"ns\"}},"
                + pod("ok", "\"cpu\":{\"usageCoreNanoSeconds\":1}") + "]}";

        KubeletSummary summary = parser.parse(json, READ_AT);

        assertThat(summary.usage().pods()).containsOnlyKeys(new PodRef("ns", "ok"));
        assertThat(summary.skippedPods()).isEqualTo(3);
    }

    @Test
    void keepsTheNewerPodWhenARecreatedPodIsListedTwice() {
        String old = "{\"podRef\":{\"name\":\"db-0\",\"namespace\":\"ns\",\"uid\":\"old\"},"
                + "\"startTime\":\"2024-01-15T10:00:00Z\",\"cpu\":{\"usageCoreNanoSeconds\":900}}";
        String fresh = "{\"podRef\":{\"name\":\"db-0\",\"namespace\":\"ns\",\"uid\":\"new\"},"
                + "\"startTime\":\"2024-01-15T11:59:00Z\",\"cpu\":{\"usageCoreNanoSeconds\":3}}";

        for (String json : new String[] {"{\"pods\":[" + old + "," + fresh + "]}", "{\"pods\":[" + fresh + "," + old + "]}"}) {
            KubeletSummary summary = parser.parse(json, READ_AT);
            assertThat(summary.podUids()).containsEntry(new PodRef("ns", "db-0"), "new");
            assertThat(summary.usage().pods().get(new PodRef("ns", "db-0")).cpuUsageCoreNanoSeconds()).isEqualTo(3);
        }
    }

    @Test
    void ignoresUnknownFieldsAtEveryLevel() {
        String json = "{\"apiVersion\":\"future\",\"node\":{\"nodeName\":\"n\",\"gpu\":{}},\"pods\":[" + pod("a",
                "\"cpu\":{\"usageCoreNanoSeconds\":10,\"psi\":{\"full\":{\"total\":1}}},\"accelerators\":[]") + "]}";

        assertThat(parser.parse(json, READ_AT).usage().pods().get(new PodRef("ns", "a")).cpuUsageCoreNanoSeconds())
                .isEqualTo(10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "not json", "[]", "42", "\"summary\"", "{\"node\":{}} trailing",
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":503}", "{\"node\":{},\"pods\":{}}"})
    void rejectsAnythingThatIsNotASummaryAsBadResponse(String body) {
        assertThatThrownBy(() -> parser.parse(body, READ_AT))
                .isInstanceOfSatisfying(UsageSourceException.class, e -> assertThat(e.kind()).isEqualTo("bad-response"));
    }

    private static String pod(String name, String rest) {
        return "{\"podRef\":{\"name\":\"" + name + "\",\"namespace\":\"ns\",\"uid\":\"u-" + name + "\"}," + rest + "}";
    }

    private static byte[] fixture(String name) {
        try (InputStream in = KubeletSummaryParserTest.class.getResourceAsStream("/fixtures/kubelet/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
