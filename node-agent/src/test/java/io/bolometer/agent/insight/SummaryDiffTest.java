package io.bolometer.agent.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryDiffTest {

    private static final Instant BEFORE = Instant.parse("2026-11-25T12:03:00Z");

    @Test
    void saysSoWhenThereIsNoBaseline() {
        Comparison comparison = SummaryDiff.compare(null, summary(entry("main.burnCPU", 1, 99)));

        assertThat(comparison).isEqualTo(new Comparison.NoBaseline());
        assertThat(comparison.grew()).isEmpty();
    }

    @Test
    void listsTheFunctionsWhoseCumulativeShareGrewMostFirst() {
        Baseline idle = new Baseline("profiles/idle-cpu.pprof", BEFORE, summary(
                entry("runtime.futex", 40, 40), entry("net/http.(*conn).serve", 1, 20), entry("crypto/sha256.block", 2, 2)));
        ProfileSummary hot = summary(entry("crypto/sha256.block", 85, 85), entry("main.burnCPU", 0.5, 99),
                entry("net/http.(*conn).serve", 0, 1), entry("runtime.futex", 0.2, 0.2));

        Comparison comparison = SummaryDiff.compare(idle, hot);

        assertThat(comparison).isInstanceOfSatisfying(Comparison.AgainstBaseline.class, against -> {
            assertThat(against.key()).isEqualTo("profiles/idle-cpu.pprof");
            assertThat(against.time()).isEqualTo(BEFORE);
            assertThat(against.grew()).containsExactly(
                    new Growth("main.burnCPU", 0, 99), new Growth("crypto/sha256.block", 2, 85));
        });
    }

    @Test
    void leavesOutGrowthBelowHalfAPointAndKeepsTheCountBounded() {
        Baseline before = new Baseline("k", BEFORE, summary(entry("a", 10, 10)));
        ProfileSummary now = summary(entry("a", 10.4, 10.4), entry("b", 9, 9), entry("c", 8, 8), entry("d", 7, 7));

        assertThat(SummaryDiff.compare(before, now, 2).grew()).extracting(Growth::function).containsExactly("b", "c");
    }

    @Test
    void refusesToCompareDifferentSampleTypes() {
        Baseline heap = new Baseline("k", BEFORE, new ProfileSummary(ProfileType.HEAP, "inuse_space", 1, List.of()));

        assertThatThrownBy(() -> SummaryDiff.compare(heap, summary())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesBurnCpuFirstBetweenAGoroutineParkedProfileAndTheBurningOne() throws IOException {
        Path fixtures = Path.of("src/test/resources/fixtures/pprof");
        ProfileSummarizer summarizer = new ProfileSummarizer();
        ProfileSummary burning = summarizer.summarize(ProfileType.CPU, fixtures.resolve("cpu.pprof"));
        Baseline quiet = new Baseline("quiet", BEFORE, new ProfileSummary(ProfileType.CPU, "cpu", 10_000_000,
                List.of(entry("runtime.futex", 60, 60), entry("runtime.mcall", 0, 30))));

        assertThat(SummaryDiff.compare(quiet, burning).grew()).first()
                .isEqualTo(new Growth("main.burnCPU", 0, 99.45));
    }

    static ProfileSummary summary(ProfileSummary.TopEntry... entries) {
        return new ProfileSummary(ProfileType.CPU, "cpu", 1_000_000_000L, List.of(entries));
    }

    static ProfileSummary.TopEntry entry(String function, double flat, double cum) {
        return new ProfileSummary.TopEntry(function, flat, cum);
    }
}
