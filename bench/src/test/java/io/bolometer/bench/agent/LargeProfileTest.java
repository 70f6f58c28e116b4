package io.bolometer.bench.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bolometer.agent.insight.ProfileSummarizer;
import io.bolometer.agent.insight.ProfileSummary;
import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LargeProfileTest {

    @TempDir
    Path dir;

    @Test
    void summarisesAProfileWithTensOfThousandsOfFunctionsAndDeepStacks() throws IOException {
        Path file = dir.resolve("large.pprof");
        long written = LargeProfile.write(file, 4L << 20, 42);

        ProfileSummary summary = new ProfileSummarizer().summarize(ProfileType.HEAP, file);

        assertThat(written).isGreaterThanOrEqualTo(4L << 20);
        assertThat(summary.sampleType()).isEqualTo("inuse_space");
        assertThat(summary.topFlat()).get().satisfies(top -> {
            assertThat(top.function()).isEqualTo(LargeProfile.HOT_FUNCTION);
            assertThat(top.flatPercent()).isCloseTo(10, within(1.0));
        });
        assertThat(summary.top()).hasSizeGreaterThanOrEqualTo(ProfileSummarizer.DEFAULT_MAX_ENTRIES)
                .allSatisfy(e -> assertThat(e.function()).startsWith("example.com/"));
    }
}
