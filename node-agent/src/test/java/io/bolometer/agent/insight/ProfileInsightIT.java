package io.bolometer.agent.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.testing.GoToolchain;
import io.bolometer.agent.testing.SampleApp;
import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Summaries of profiles the real Go sample app serves, checked against {@code go tool pprof -top} of each file. */
class ProfileInsightIT {

    private static final PodRef POD = new PodRef("local", "sample-app-insight");
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    private static SampleApp app;

    private final ProfileSummarizer summarizer = new ProfileSummarizer();

    @TempDir
    Path dir;

    @BeforeAll
    static void startApp() {
        app = SampleApp.start("127.0.0.101");
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    @BeforeEach
    void reset() {
        app.reset();
    }

    @Test
    void namesBurnCpuAsTheFunctionThatGrewMostAfterAnIdlePeriodicProfile() throws IOException {
        Path idle = fetch("/debug/pprof/profile?seconds=1", "idle-cpu.pprof");
        BaselineStore store = BaselineStore.open(dir.resolve("baselines"), 16, 1 << 20);
        Instant before = Instant.parse("2026-11-25T12:03:00Z");
        store.record(POD, new Baseline("profiles/idle-cpu.pprof", before, summarizer.summarize(ProfileType.CPU, idle)));

        app.burn(true);
        Path hot = fetch("/debug/pprof/profile?seconds=3", "burn-cpu.pprof");
        ProfileSummary summary = summarizer.summarize(ProfileType.CPU, hot);
        Comparison comparison = SummaryDiff.compare(store.latest(POD, ProfileType.CPU).orElseThrow(), summary);

        assertThat(summary.sampleType()).isEqualTo("cpu");
        assertThat(summary.topCumulative()).as("top by cum in %s", summary).get().extracting(ProfileSummary.TopEntry::function)
                .isEqualTo("main.burnCPU");
        assertThat(comparison).as("%s against the idle %s", summary, store.latest(POD, ProfileType.CPU))
                .isInstanceOfSatisfying(Comparison.AgainstBaseline.class, against -> {
            assertThat(against.key()).isEqualTo("profiles/idle-cpu.pprof");
            assertThat(against.time()).isEqualTo(before);
            assertThat(against.grew()).first().satisfies(g -> {
                assertThat(g.function()).isEqualTo("main.burnCPU");
                assertThat(g.points()).isGreaterThan(50);
            });
        });
        assertAgreesWithPprofTop(hot, summary);
    }

    @Test
    void namesTheLeakingFunctionFirstInAHeapProfile() throws IOException {
        app.leakMiB(32);
        Path heap = fetch("/debug/pprof/heap?gc=1", "heap.pprof");

        ProfileSummary summary = summarizer.summarize(ProfileType.HEAP, heap);

        assertThat(summary.sampleType()).isEqualTo("inuse_space");
        assertThat(summary.topFlat()).get().satisfies(top -> {
            assertThat(top.function()).isEqualTo("main.growHeap");
            assertThat(top.flatPercent()).isGreaterThan(50);
        });
        assertThat(summary.total()).as("in-use bytes, estimated from samples").isGreaterThan(16L << 20);
        assertAgreesWithPprofTop(heap, summary);
    }

    @Test
    void agreesWithPprofTopOnGoroutineAndAllocsProfiles() throws IOException {
        app.goroutines(20);
        app.leakMiB(4);

        assertAgreesWithPprofTop(fetch("/debug/pprof/goroutine", "goroutine.pprof"), ProfileType.GOROUTINE);
        assertAgreesWithPprofTop(fetch("/debug/pprof/allocs", "allocs.pprof"), ProfileType.ALLOCS);
    }

    private void assertAgreesWithPprofTop(Path profile, ProfileType type) throws IOException {
        assertAgreesWithPprofTop(profile, summarizer.summarize(type, profile));
    }

    private static void assertAgreesWithPprofTop(Path profile, ProfileSummary summary) {
        String text = GoToolchain.run(Duration.ofSeconds(60), profile.getParent(), "tool", "pprof", "-top",
                "-sample_index=" + summary.sampleType(), profile.toString());
        PprofTopOutput pprof = PprofTopOutput.parse(text);

        assertThat(summary.top()).hasSizeGreaterThanOrEqualTo(Math.min(10, pprof.rows().size()));
        assertThat(summary.top().get(0).flatPercent()).as("largest flat%% in\n%s", text)
                .isCloseTo(pprof.first().flatPercent(), within(0.011));
        List<ProfileSummary.TopEntry> listed = summary.top().stream()
                .filter(e -> pprof.rows().containsKey(e.function())).toList();
        assertThat(listed).as("functions pprof lists too, in\n%s", text)
                .hasSizeGreaterThanOrEqualTo(Math.min(5, pprof.rows().size()));
        for (ProfileSummary.TopEntry entry : listed) {
            PprofTopOutput.Row row = pprof.rows().get(entry.function());
            assertThat(entry.flatPercent()).as("flat%% of %s in\n%s", entry.function(), text)
                    .isCloseTo(row.flatPercent(), within(0.011));
            assertThat(entry.cumPercent()).as("cum%% of %s in\n%s", entry.function(), text)
                    .isCloseTo(row.cumPercent(), within(0.011));
        }
    }

    private Path fetch(String pathAndQuery, String name) throws IOException {
        URI uri = app.uri(pathAndQuery);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<Path> response = HTTP.send(request, HttpResponse.BodyHandlers.ofFile(dir.resolve(name)));
            assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted during GET " + uri, e);
        }
    }
}
