package io.bolometer.agent.insight;

import io.bolometer.testing.ProtoWriter;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileAggregationTest {

    private final ProfileSummarizer summarizer = new ProfileSummarizer();

    @Test
    void countsARecursiveFunctionOnceInItsCumulativeShare() throws IOException {
        byte[] profile = new SyntheticProfile("samples", "cpu")
                .sample(List.of("walk", "walk", "walk", "main"), 1, 30)
                .sample(List.of("leaf", "main"), 1, 70)
                .gzipped();

        ProfileSummary summary = summarizer.summarize(ProfileType.CPU, profile);

        assertThat(summary.total()).isEqualTo(100);
        assertThat(summary.entry("walk")).get().isEqualTo(new ProfileSummary.TopEntry("walk", 30, 30));
        assertThat(summary.entry("main")).get().isEqualTo(new ProfileSummary.TopEntry("main", 0, 100));
    }

    @Test
    void givesTheFlatShareToTheInnermostInlinedFunctionAndListsCallersBeforeCallees() throws IOException {
        byte[] profile = new SyntheticProfile("samples", "cpu")
                .sample(List.of("inlined|caller", "main"), 1, 10)
                .gzipped();

        ProfileSummary summary = summarizer.summarize(ProfileType.CPU, profile);

        assertThat(summary.top()).containsExactly(
                new ProfileSummary.TopEntry("inlined", 100, 100),
                new ProfileSummary.TopEntry("main", 0, 100),
                new ProfileSummary.TopEntry("caller", 0, 100));
    }

    @Test
    void namesTheEntryFunctionTopCumulativeWhenItsCalleesShareItsWholeTime() throws IOException {
        byte[] profile = new SyntheticProfile("samples", "cpu")
                .sample(List.of("block", "sum", "burn"), 1, 90)
                .sample(List.of("sum", "burn"), 1, 10)
                .gzipped();

        ProfileSummary summary = summarizer.summarize(ProfileType.CPU, profile);

        assertThat(summary.top()).extracting(ProfileSummary.TopEntry::function).containsExactly("block", "sum", "burn");
        assertThat(summary.topCumulative()).get().isEqualTo(new ProfileSummary.TopEntry("burn", 0, 100));
        assertThat(SummaryDiff.compare(new Baseline("idle", java.time.Instant.EPOCH,
                new ProfileSummary(ProfileType.CPU, "cpu", 1, List.of())), summary).grew())
                .extracting(Growth::function).containsExactly("burn", "sum", "block");
    }

    @Test
    void keepsTheTopByFlatAndTheTopByCumulativeShareSortedByFlat() throws IOException {
        SyntheticProfile profile = new SyntheticProfile("goroutine");
        for (int i = 1; i <= 30; i++) {
            profile.sample(List.of("leaf" + i, "root" + (i % 2)), i);
        }

        ProfileSummary summary = new ProfileSummarizer(5, 1 << 20).summarize(ProfileType.GOROUTINE,
                profile.gzipped());

        assertThat(summary.top()).extracting(ProfileSummary.TopEntry::function)
                .containsExactly("leaf30", "leaf29", "leaf28", "leaf27", "leaf26", "root0", "root1");
    }

    @Test
    void foldsFunctionsBeyondTheCapIntoOneOtherFunctionsEntry() throws IOException {
        SyntheticProfile profile = new SyntheticProfile("goroutine");
        int functions = ProfileAggregator.MAX_FUNCTIONS + 100;
        for (int i = 0; i < functions; i++) {
            profile.sample(List.of("f" + i), i < ProfileAggregator.MAX_FUNCTIONS ? 1 : 1000);
        }

        ProfileSummary summary = summarizer.summarize(ProfileType.GOROUTINE, profile.gzipped());

        long total = ProfileAggregator.MAX_FUNCTIONS + 100 * 1000L;
        assertThat(summary.total()).isEqualTo(total);
        assertThat(summary.topFlat()).get().isEqualTo(new ProfileSummary.TopEntry(ProfileAggregator.OTHER_FUNCTIONS,
                ProfileSummarizer.percent(100_000, total), ProfileSummarizer.percent(100_000, total)));
        assertThat(summary.top()).noneMatch(e -> e.function().equals("f" + ProfileAggregator.MAX_FUNCTIONS));
    }

    @Test
    void summarisesAProfileWithoutSamplesAsAnEmptyTop() throws IOException {
        ProfileSummary summary = summarizer.summarize(ProfileType.MUTEX,
                new SyntheticProfile("contentions", "delay").gzipped());

        assertThat(summary.sampleType()).isEqualTo("delay");
        assertThat(summary.total()).isZero();
        assertThat(summary.top()).isEmpty();
    }

    @Test
    void keepsAtMostAKibibyteOfAFunctionName() throws IOException {
        String generic = "example.com/shop.Map[" + "\u00e9".repeat(1500) + "]";
        byte[] profile = new SyntheticProfile("goroutine").sample(List.of(generic), 1).gzipped();

        String kept = summarizer.summarize(ProfileType.GOROUTINE, profile).top().get(0).function();

        assertThat(kept).startsWith("example.com/shop.Map[\u00e9").doesNotContain("\ufffd");
        assertThat(kept.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(
                ProfileAggregator.MAX_NAME_BYTES).hasSizeGreaterThan(ProfileAggregator.MAX_NAME_BYTES - 2);
    }

    @Test
    void refusesADefaultSampleTypeThatIsNotAVarint() throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        new SyntheticProfile("goroutine").writeTo(body);
        ProtoWriter.lenField(body, 14, new byte[] {1});

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> summarizer.summarize(ProfileType.GOROUTINE,
                        body.toByteArray()))
                .isInstanceOf(ProfileSummarizer.Unreadable.class).hasMessageContaining("default_sample_type");
    }
}
