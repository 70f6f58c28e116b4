package io.bolometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.testing.Await;
import io.bolometer.agent.testing.StandaloneRig;
import io.bolometer.agent.testing.PprofTool;
import io.bolometer.testing.S3TestServer;
import io.bolometer.agent.testing.SampleApp;
import io.bolometer.agent.testing.Scrape;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.Tag;

/** Standalone mode end to end with real parts: the Go sample app, the agent, and an embedded S3 server. */
class StandaloneS3IT {
    private static final String POD = "sample-app-7d9f8-x2x";
    private static final Pattern KEY = Pattern.compile(
            "profiles/(\\d{4}-\\d{2}-\\d{2})/sample-app/(\\d{14})-" + POD + "-(cpu|heap|goroutine|mutex)\\.pprof");

    @TempDir
    Path dir;
    private StandaloneRig rig;
    private SampleApp app;
    private AgentRuntime agent;
    private S3TestServer s3;
    private String bucket;

    @BeforeEach
    void start() {
        s3 = StandaloneRig.s3();
        rig = StandaloneRig.start(dir, "127.0.0.31");
        app = rig.app();
        bucket = s3.newBucket("standalone");
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    private AgentRuntime startAgent(String config) throws IOException {
        return rig.startAgent(config);
    }

    private String storeYaml() {
        return StandaloneRig.s3Store(bucket, s3.endpoint());
    }

    private List<String> keys() {
        return s3.client().listObjectsV2(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).sorted().toList();
    }

    private double metric(String series) {
        return Scrape.value(agent.metrics().scrape(), series);
    }

    @Test
    void storesEveryTypeWithThresholdReasonWhenTheAppRunsHotAndNothingWhileIdle() throws Exception {
        agent = startAgent(storeYaml() + """
                config:
                  thresholds: {cpuThresholdPercent: 80, memoryThresholdPercent: 90, checkIntervalSeconds: 2, cooldownSeconds: 300}
                  profileTypes: [cpu, heap, goroutine, mutex]
                  cpuProfileSeconds: 2
                targets:
                  - name: %s
                    namespace: local
                    labels: {app.kubernetes.io/name: sample-app, team: payments}
                    url: %s
                    pid: %d
                    cpuLimitCores: 0.5
                    memoryLimitBytes: 1073741824
                """.formatted(POD, app.baseUrl(), app.pid()));

        Await.until(Duration.ofSeconds(20), "three checks of the idle app", () -> metric("profiling_threshold_checks_total") >= 3);
        assertThat(keys()).isEmpty();
        assertThat(Scrape.sum(agent.metrics().scrape(), "profiling_captures_total", "")).isZero();

        app.contend(true);
        app.burn(true);
        Await.until(Duration.ofSeconds(45), "four profiles in S3", () -> keys().size() == 4, () -> keys().toString());

        List<String> keys = keys();
        Set<String> timestamps = keys.stream().map(k -> match(k).group(2)).collect(Collectors.toSet());
        assertThat(timestamps).as("one trigger time for the whole capture").hasSize(1);
        assertThat(keys.stream().map(k -> match(k).group(3)).sorted()).containsExactly("cpu", "goroutine", "heap", "mutex");
        String timestamp = timestamps.iterator().next();
        assertThat(match(keys.get(0)).group(1)).isEqualTo(
                LocalDateTime.parse(timestamp, DateTimeFormatter.ofPattern("yyyyMMddHHmmss")).toLocalDate().toString());

        String cpuKey = keys.stream().filter(k -> k.endsWith("-cpu.pprof")).findFirst().orElseThrow();
        HeadObjectResponse head = s3.client().headObject(r -> r.bucket(bucket).key(cpuKey));
        assertThat(head.metadata()).containsEntry("pod-name", POD).containsEntry("pod-namespace", "local")
                .containsEntry("profile-type", "cpu").containsEntry("reason", "threshold-exceeded")
                .containsEntry("service", "sample-app").containsEntry("node", "localhost")
                .containsEntry("label-team", "payments").containsEntry("label-app.kubernetes.io_name", "sample-app")
                .containsKey("timestamp");
        assertThat(head.metadata().get("timestamp")).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
        Map<String, String> tags = s3.client().getObjectTagging(r -> r.bucket(bucket).key(cpuKey)).tagSet().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value));
        assertThat(tags).containsExactlyInAnyOrderEntriesOf(Map.of("profile-type", "cpu", "reason", "threshold-exceeded",
                "pod-namespace", "local", "service", "sample-app"));

        Path cpu = Files.write(dir.resolve("cpu.pprof"), s3.getObject(bucket, cpuKey).asByteArray());
        assertThat(PprofTool.top(cpu)).contains("main.burnCPU");
        Path mutex = Files.write(dir.resolve("mutex.pprof"),
                s3.getObject(bucket, keys.stream().filter(k -> k.endsWith("-mutex.pprof")).findFirst().orElseThrow()).asByteArray());
        assertThat(PprofTool.sampleTypes(mutex)).contains("contentions");

        double checksAfterCapture = metric("profiling_threshold_checks_total");
        Await.until(Duration.ofSeconds(20), "three more checks of the still-hot app",
                () -> metric("profiling_threshold_checks_total") >= checksAfterCapture + 3);
        assertThat(keys()).as("no second capture within the cooldown").hasSize(4);

        String scrape = httpGet("http://127.0.0.1:" + agent.metricsPort() + "/metrics");
        assertThat(Scrape.value(scrape, "profiling_captures_total{profile_type=\"cpu\",reason=\"threshold-exceeded\"}")).isEqualTo(1);
        assertThat(Scrape.value(scrape, "profiling_uploads_total{profile_type=\"heap\"}")).isEqualTo(1);
        assertThat(Scrape.sum(scrape, "profiling_uploads_total", "")).isEqualTo(4);
        assertThat(Scrape.sum(scrape, "profiling_errors_total", "")).isZero();
        assertThat(Scrape.value(scrape, "profiling_threshold_violations_total{resource=\"cpu\"}")).isGreaterThanOrEqualTo(4);
        assertThat(httpGet("http://127.0.0.1:" + agent.healthPort() + "/readyz")).isEqualTo("ok\n");
    }

    @Test
    void storesPeriodicProfilesAtTheIntervalWithReasonOnDemand() throws Exception {
        agent = startAgent(storeYaml() + """
                config:
                  onDemand: {enabled: true, intervalSeconds: 10}
                  profileTypes: [heap, goroutine]
                targets:
                  - name: %s
                    labels: {app: sample-app}
                    url: %s
                """.formatted(POD, app.baseUrl()));

        Await.until(Duration.ofSeconds(35), "two periodic captures in S3", () -> keys().size() >= 4, () -> keys().toString());

        List<String> heapKeys = keys().stream().filter(k -> k.endsWith("-heap.pprof")).sorted().toList();
        assertThat(heapKeys).hasSizeGreaterThanOrEqualTo(2);
        LocalDateTime first = LocalDateTime.parse(match(heapKeys.get(0)).group(2), DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
        LocalDateTime second = LocalDateTime.parse(match(heapKeys.get(1)).group(2), DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
        assertThat(Duration.between(first, second).toSeconds()).isBetween(9L, 11L);
        for (String key : keys()) {
            assertThat(s3.client().headObject(r -> r.bucket(bucket).key(key)).metadata())
                    .containsEntry("reason", "on-demand");
        }
        assertThat(metric("profiling_captures_total{profile_type=\"heap\",reason=\"on-demand\"}")).isGreaterThanOrEqualTo(2);
    }

    private static Matcher match(String key) {
        Matcher m = KEY.matcher(key);
        assertThat(m.matches()).as("contract key layout: %s", key).isTrue();
        return m;
    }

    private static String httpGet(String url) throws Exception {
        HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
