package io.bolometer.agent.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ProfileSummarizerTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/pprof");

    private final ProfileSummarizer summarizer = new ProfileSummarizer();

    @ParameterizedTest(name = "{0}.pprof as {1}")
    @CsvSource({
            "cpu, cpu, cpu",
            "heap, heap, inuse_space",
            "allocs, allocs, alloc_space",
            "goroutine, goroutine, goroutine",
            "mutex, mutex, delay",
            "block, block, delay",
            "cpu-reencoded, cpu, cpu"})
    void agreesWithRecordedPprofTopOnEveryFunctionItLists(String fixture, String type, String sampleType)
            throws IOException {
        ProfileSummary summary = summarizer.summarize(ProfileType.fromWireName(type), FIXTURES.resolve(fixture + ".pprof"));
        PprofTopOutput pprof = PprofTopOutput.parse(
                Files.readString(FIXTURES.resolve("top").resolve(fixture + ".txt"), StandardCharsets.UTF_8));

        assertThat(summary.sampleType()).isEqualTo(sampleType);
        assertThat(summary.top()).hasSizeGreaterThanOrEqualTo(Math.min(10, pprof.rows().size()));
        assertThat(summary.top().get(0).function()).isEqualTo(pprof.first().function());
        List<ProfileSummary.TopEntry> listedByPprof = summary.top().stream()
                .filter(e -> pprof.rows().containsKey(e.function())).toList();
        assertThat(listedByPprof).hasSizeGreaterThanOrEqualTo(Math.min(5, pprof.rows().size()));
        for (ProfileSummary.TopEntry entry : listedByPprof) {
            PprofTopOutput.Row row = pprof.rows().get(entry.function());
            assertThat(entry.flatPercent()).as("flat%% of %s", entry.function()).isCloseTo(row.flatPercent(), within(0.011));
            assertThat(entry.cumPercent()).as("cum%% of %s", entry.function()).isCloseTo(row.cumPercent(), within(0.011));
        }
    }

    @Test
    void namesTheHashingLeafFlatAndBurnCpuCumulativeInTheBurningCpuProfile() throws IOException {
        ProfileSummary summary = summarizer.summarize(ProfileType.CPU, FIXTURES.resolve("cpu.pprof"));

        assertThat(summary.total()).isEqualTo(1_820_000_000L);
        assertThat(summary.topFlat()).get().extracting(ProfileSummary.TopEntry::function).isEqualTo("crypto/sha256.block");
        assertThat(summary.topCumulative()).get().isEqualTo(new ProfileSummary.TopEntry("main.burnCPU", 0.55, 99.45));
        assertThat(summary.top()).isSortedAccordingTo(
                (a, b) -> Double.compare(b.flatPercent(), a.flatPercent()));
    }

    @Test
    void namesTheLeakingFunctionFirstInTheHeapProfile() throws IOException {
        ProfileSummary summary = summarizer.summarize(ProfileType.HEAP, FIXTURES.resolve("heap.pprof"));

        assertThat(summary.topFlat()).get().isEqualTo(new ProfileSummary.TopEntry("main.growHeap", 88.98, 88.98));
    }

    @Test
    void readsProfilesWhoseSamplesComeFirstFromBytesAsFromTheRuntimeOrder() throws IOException {
        byte[] reencoded = Files.readAllBytes(FIXTURES.resolve("cpu-reencoded.pprof"));

        ProfileSummary fromBytes = summarizer.summarize(ProfileType.CPU, reencoded);

        assertThat(fromBytes).isEqualTo(summarizer.summarize(ProfileType.CPU, FIXTURES.resolve("cpu.pprof")));
    }

    @Test
    void refusesAOneShotStreamWhoseSamplesComeBeforeTheirLocations() throws IOException {
        try (InputStream in = Files.newInputStream(FIXTURES.resolve("cpu-reencoded.pprof"))) {
            assertThatThrownBy(() -> summarizer.summarize(ProfileType.CPU, in))
                    .isInstanceOf(ProfileSummarizer.Unreadable.class).hasMessageContaining("from a file");
        }
    }

    @Test
    void summarisesARuntimeProfileFromAOneShotStream() throws IOException {
        try (InputStream in = Files.newInputStream(FIXTURES.resolve("heap.pprof"))) {
            assertThat(summarizer.summarize(ProfileType.HEAP, in).topFlat()).get()
                    .extracting(ProfileSummary.TopEntry::function).isEqualTo("main.growHeap");
        }
    }

    @Test
    void refusesATruncatedProfileAndGzippedJson() {
        assertThatThrownBy(() -> summarizer.summarize(ProfileType.CPU, FIXTURES.resolve("truncated-cpu.pprof")))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> summarizer.summarize(ProfileType.CPU, FIXTURES.resolve("not-a-profile.gz")))
                .isInstanceOf(ProfileSummarizer.Unreadable.class);
    }

    @Test
    void fallsBackToTheDefaultSampleTypeThenTheLast() {
        List<String> heapTypes = List.of("alloc_objects", "alloc_space", "inuse_objects", "inuse_space");

        assertThat(ProfileSummarizer.mainColumn(ProfileType.HEAP, heapTypes, null)).isEqualTo(3);
        assertThat(ProfileSummarizer.mainColumn(ProfileType.ALLOCS, heapTypes, "inuse_space")).isEqualTo(1);
        assertThat(ProfileSummarizer.mainColumn(ProfileType.CPU, heapTypes, "alloc_objects")).isEqualTo(0);
        assertThat(ProfileSummarizer.mainColumn(ProfileType.CPU, List.of("samples", "wall"), null)).isEqualTo(1);
    }
}
