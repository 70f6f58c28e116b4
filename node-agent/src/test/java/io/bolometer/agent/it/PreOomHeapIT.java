package io.bolometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.targets.TargetSettings;
import io.bolometer.testing.Await;
import io.bolometer.testing.FakeKubelet;
import io.bolometer.agent.testing.KubeletAgent;
import io.bolometer.agent.testing.SampleApp;
import io.bolometer.agent.testing.StoreFiles;
import io.bolometer.testing.SummaryJson;
import io.bolometer.agent.targets.ResourceLimits;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.ProfileType;
import io.bolometer.testing.Closing;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pre-OOM heap: the real Go app leaks at several rates while a fake kubelet reports its resident memory as the
 * pod's working set; with the memory threshold at 100%, only the projection can capture before the limit.
 */
class PreOomHeapIT {
    private static final String TOKEN = "kubelet-bearer-token-for-tests";
    private static final PodRef POD = new PodRef("shop", "leaky-7d9f8c6b5-x2x4q");
    private static final long MIB = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SampleApp app;

    @TempDir
    Path dir;
    private Vertx vertx;
    private FakeKubelet kubelet;
    private AgentRuntime agent;
    private volatile long maxReportedBytes;

    @BeforeAll
    static void startApp() {
        app = SampleApp.start("127.0.0.22");
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    @AfterEach
    void stop() throws Exception {
        app.reset();
        Closing.inOrder(agent, kubelet);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @ParameterizedTest(name = "{0} MiB every {1} ms")
    @CsvSource({"2, 100", "6, 500", "5, 1000"})
    void leavesAMemoryProjectedHeapProfileBeforeTheWorkingSetReachesTheLimit(int mib, long everyMillis)
            throws IOException {
        long limit = residentBytes() + 160 * MIB;
        startAgent(limit);
        Await.until(Duration.ofSeconds(20), "three kubelet reads before the leak", () -> kubelet.summaryRequestCount() >= 3);

        app.leakRamp(mib, Duration.ofMillis(everyMillis));
        Path heap = Await.until(Duration.ofSeconds(90), "a heap profile", this::storedHeap,
                () -> "reported " + maxReportedBytes / MIB + " MiB of a " + limit / MIB + " MiB limit");

        JsonNode metadata = JSON.readTree(Path.of(heap + ".json").toFile());
        assertThat(metadata.get("reason").asText()).isEqualTo("threshold-exceeded");
        assertThat(metadata.get("trigger-resource").asText()).as("%s", metadata).isEqualTo("memory-projected");
        assertThat(metadata.get("trigger-threshold-percent").asText()).isEqualTo("98");
        assertThat(Double.parseDouble(metadata.get("trigger-percent").asText())).isGreaterThanOrEqualTo(98);
        JsonNode summary = JSON.readTree(Path.of(heap.toString().replace(".pprof", ".summary.json")).toFile());
        assertThat(summary.get("top").get(0).get("function").asText()).isEqualTo("main.growHeap");
        assertThat(summary.get("trigger").get("resource").asText()).isEqualTo("memory-projected");
    }

    private void startAgent(long limit) throws IOException {
        vertx = Vertx.vertx();
        kubelet = FakeKubelet.start(vertx, TOKEN).serve(this::summary);
        agent = KubeletAgent.start(vertx, dir, kubelet, TOKEN, 256 * MIB);
        TargetSettings settings = new TargetSettings(80, 100, Duration.ofSeconds(1), Duration.ofMinutes(5), false,
                Duration.ofSeconds(35), List.of(ProfileType.HEAP), 1);
        agent.apply(List.of(new ProfilingTarget("shop/leaks", POD, "node-a", app.baseUrl(), "/debug/pprof", "leaky",
                java.util.Map.of(), ResourceLimits.resolve(1, 0, 4, limit, 0, 0), settings,
                new StoreLocation.Directory(dir.resolve("store").toString()), "profiles", 0, null)));
    }

    /** The pod's working set is the app's resident memory, as a kubelet would see it in the pod's cgroup. */
    private String summary() {
        Instant now = Instant.now();
        long resident = residentBytes();
        maxReportedBytes = Math.max(maxReportedBytes, resident);
        return SummaryJson.node("node-a").at(now).withPod(POD.namespace(), POD.name(), "uid-1", 0, resident, now)
                .build();
    }

    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + app.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS for pid " + app.pid());
    }

    private Optional<Path> storedHeap() {
        return StoreFiles.endingWith(dir.resolve("store"), "-heap.pprof").stream()
                .filter(p -> Files.exists(Path.of(p + ".json"))).findFirst();
    }
}
