package io.bolometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.agent.insight.PprofTopOutput;
import io.bolometer.testing.Await;
import io.bolometer.agent.testing.StandaloneRig;
import io.bolometer.agent.testing.GoToolchain;
import io.bolometer.testing.S3TestServer;
import io.bolometer.agent.testing.SampleApp;
import io.bolometer.agent.testing.StoreFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Insight end to end in standalone mode with the real Go sample app: trigger evidence and top function in the
 * metadata, the {@code .summary.json} beside the profile, and "what grew" against the periodic baseline.
 */
class StandaloneInsightIT {
    private static final String POD = "sample-app-7d9f8-x2x";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private StandaloneRig rig;
    private SampleApp app;
    private AgentRuntime agent;

    @BeforeAll
    static void credentials() {
        S3TestServer.useTestCredentials();
    }

    @BeforeEach
    void start() {
        rig = StandaloneRig.start(dir, "127.0.0.32");
        app = rig.app();
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void namesBurnCpuAsWhatGrewInTheThresholdCaptureAgainstTheIdlePeriodicBaseline() throws Exception {
        agent = startAgent(StandaloneRig.directoryStore("./store") + """
                config:
                  thresholds: {cpuThresholdPercent: 80, checkIntervalSeconds: 2, cooldownSeconds: 300}
                  onDemand: {enabled: true, intervalSeconds: 15}
                  profileTypes: [cpu]
                  cpuProfileSeconds: 2
                targets:
                  - name: %s
                    labels: {app.kubernetes.io/name: sample-app}
                    url: %s
                    pid: %d
                    cpuLimitCores: 0.5
                """.formatted(POD, app.baseUrl(), app.pid()));
        JsonNode periodic = Await.until(Duration.ofSeconds(40), "a periodic capture with its summary",
                () -> summaryOf("on-demand", "cpu"), this::listing);

        app.burn(true);
        JsonNode hot = Await.until(Duration.ofSeconds(40), "a threshold capture with its summary",
                () -> summaryOf("threshold-exceeded", "cpu"), this::listing);

        JsonNode summary = hot.get("summary");
        assertThat(summary.get("type").asText()).isEqualTo("cpu");
        assertThat(summary.get("sampleType").asText()).isEqualTo("cpu");
        assertThat(summary.get("baseline").get("key").asText()).isEqualTo(periodic.get("key").asText());
        assertThat(summary.get("trigger").get("resource").asText()).isEqualTo("cpu");
        assertThat(summary.get("trigger").get("basis").asText()).isEqualTo("limit");
        assertThat(summary.get("trigger").get("thresholdPercent").asDouble()).isEqualTo(80);
        assertThat(summary.get("trigger").get("percent").asDouble()).isGreaterThanOrEqualTo(80);
        JsonNode grewMost = summary.get("grew").get(0);
        assertThat(grewMost.get("function").asText()).as("%s", summary).isEqualTo("main.burnCPU");
        assertThat(grewMost.get("toPercent").asDouble() - grewMost.get("fromPercent").asDouble()).isGreaterThan(50);
        JsonNode metadata = hot.get("metadata");
        assertThat(metadata.get("trigger-resource").asText()).isEqualTo("cpu");
        assertThat(metadata.get("trigger-basis").asText()).isEqualTo("limit");
        assertThat(metadata.get("trigger-threshold-percent").asText()).isEqualTo("80");
        assertThat(metadata.get("top-function").asText()).isEqualTo(summary.get("top").get(0).get("function").asText());
        assertThat(periodic.get("metadata").has("trigger-resource")).isFalse();
        assertAgreesWithPprofTop(Path.of(hot.get("profile").asText()), summary);
    }

    @Test
    void comparesAThresholdCaptureWithABaselineKeptOnTheNodeWhenNoPeriodicProfilesRun() throws Exception {
        agent = startAgent(StandaloneRig.directoryStore("./store") + """
                config:
                  thresholds: {cpuThresholdPercent: 80, checkIntervalSeconds: 2, cooldownSeconds: 300}
                  profileTypes: [cpu, heap]
                  cpuProfileSeconds: 2
                  baseline: {enabled: true, intervalMinutes: 60}
                targets:
                  - name: %s
                    url: %s
                    pid: %d
                    cpuLimitCores: 0.5
                """.formatted(POD, app.baseUrl(), app.pid()));
        Path baselines = dir.resolve("spool/baselines");
        Await.until(Duration.ofSeconds(75), "cpu and heap baselines on the node", () -> baselineFiles(baselines) == 2);
        assertThat(profiles()).as("baselines are never stored").isEmpty();

        app.burn(true);
        JsonNode hot = Await.until(Duration.ofSeconds(40), "a threshold capture with its summary",
                () -> summaryOf("threshold-exceeded", "cpu"), this::listing);

        JsonNode summary = hot.get("summary");
        assertThat(summary.get("baseline").get("key").asText()).startsWith("local:local/" + POD + "/cpu@");
        assertThat(summary.get("grew").get(0).get("function").asText()).as("%s", summary).isEqualTo("main.burnCPU");
        assertThat(agent.metrics().scrape()).doesNotContain("reason=\"on-demand\"");
    }

    @Test
    void namesTheLeakingFunctionInTheMetadataOfAMemoryThresholdHeapProfileInS3() throws Exception {
        S3TestServer s3 = S3TestServer.shared();
        String bucket = s3.newBucket("insight");
        agent = startAgent(StandaloneRig.s3Store(bucket, s3.endpoint()) + """
                config:
                  thresholds: {memoryThresholdPercent: 50, checkIntervalSeconds: 2, cooldownSeconds: 300}
                  profileTypes: [heap]
                targets:
                  - name: %s
                    url: %s
                    pid: %d
                    cpuLimitCores: 4
                    memoryLimitBytes: 268435456
                """.formatted(POD, app.baseUrl(), app.pid()));

        app.leakMiB(160);
        String key = Await.until(Duration.ofSeconds(40), "a heap profile in S3",
                () -> s3.client().listObjectsV2(r -> r.bucket(bucket)).contents().stream().map(S3Object::key)
                        .filter(k -> k.endsWith("-heap.pprof")).findFirst());

        var metadata = s3.client().headObject(r -> r.bucket(bucket).key(key)).metadata();
        assertThat(metadata).containsEntry("reason", "threshold-exceeded").containsEntry("trigger-resource", "memory")
                .containsEntry("trigger-threshold-percent", "50").containsEntry("trigger-basis", "limit")
                .containsEntry("top-function", "main.growHeap").containsKey("top-percent");
        assertThat(Double.parseDouble(metadata.get("trigger-percent"))).isBetween(50.0, 100.0);
        assertThat(Double.parseDouble(metadata.get("top-percent"))).isGreaterThan(50);
        Path heap = Files.write(dir.resolve("heap.pprof"), s3.getObject(bucket, key).asByteArray());
        PprofTopOutput pprof = PprofTopOutput.parse(pprofTop(heap, "inuse_space"));
        assertThat(pprof.first().function()).isEqualTo("main.growHeap");
        assertThat(Double.parseDouble(metadata.get("top-percent"))).isCloseTo(pprof.first().flatPercent(), within(0.06));
    }

    private AgentRuntime startAgent(String config) throws IOException {
        return rig.startAgent(config);
    }

    /**
     * The first stored profile of {@code type} captured for {@code reason} whose summary is written, as
     * {@code {"key", "profile", "metadata", "summary"}}.
     */
    private Optional<JsonNode> summaryOf(String reason, String type) {
        for (Path profile : profiles()) {
            if (!profile.toString().endsWith("-" + type + ".pprof")) {
                continue;
            }
            Path metadataFile = Path.of(profile + ".json");
            Path summaryFile = Path.of(profile.toString().replaceFirst("\\.pprof$", ".summary.json"));
            if (!Files.exists(metadataFile) || !Files.exists(summaryFile)) {
                continue;
            }
            try {
                JsonNode metadata = JSON.readTree(metadataFile.toFile());
                if (reason.equals(metadata.get("reason").asText())) {
                    ObjectNode found = JSON.createObjectNode().put("key", metadata.get("objectKey").asText())
                            .put("profile", profile.toString());
                    found.set("metadata", metadata);
                    found.set("summary", JSON.readTree(summaryFile.toFile()));
                    return Optional.of(found);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Optional.empty();
    }

    private List<Path> profiles() {
        return StoreFiles.endingWith(dir.resolve("store"), ".pprof");
    }

    private static long baselineFiles(Path directory) {
        return StoreFiles.endingWith(directory, ".baseline.json").size();
    }

    private String listing() {
        return profiles().toString();
    }

    private static String pprofTop(Path profile, String sampleIndex) {
        return GoToolchain.run(Duration.ofSeconds(60), profile.getParent(), "tool", "pprof", "-top",
                "-sample_index=" + sampleIndex, profile.toString());
    }

    private static void assertAgreesWithPprofTop(Path profile, JsonNode summary) {
        String text = pprofTop(profile, summary.get("sampleType").asText());
        PprofTopOutput pprof = PprofTopOutput.parse(text);
        JsonNode top = summary.get("top");
        assertThat(top.size()).isGreaterThanOrEqualTo(Math.min(10, pprof.rows().size()));
        assertThat(top.get(0).get("flatPercent").asDouble()).as("largest flat%% in\n%s", text)
                .isCloseTo(pprof.first().flatPercent(), within(0.011));
        int compared = 0;
        for (JsonNode entry : top) {
            PprofTopOutput.Row row = pprof.rows().get(entry.get("function").asText());
            if (row == null) {
                continue;
            }
            compared++;
            assertThat(entry.get("flatPercent").asDouble()).as("flat%% of %s in\n%s", row.function(), text)
                    .isCloseTo(row.flatPercent(), within(0.011));
            assertThat(entry.get("cumPercent").asDouble()).as("cum%% of %s in\n%s", row.function(), text)
                    .isCloseTo(row.cumPercent(), within(0.011));
        }
        assertThat(compared).as("functions listed by both, in\n%s", text).isGreaterThanOrEqualTo(
                Math.min(5, pprof.rows().size()));
    }
}
