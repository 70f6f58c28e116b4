package io.bolometer.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.insight.Comparison;
import io.bolometer.agent.insight.Growth;
import io.bolometer.agent.insight.ProfileSummary;
import io.bolometer.model.ProfileType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileInsightTest {
    private static final ProfileSummary SUMMARY = new ProfileSummary(ProfileType.CPU, "cpu", 1000,
            List.of(new ProfileSummary.TopEntry("main.burnCPU", 66.3, 70.1)));
    private static final Instant BASELINE_TIME = Instant.parse("2026-11-25T12:03:10Z");

    @Test
    void grewLineNamesTheFunctionThatGrewMostInPointsAndTheBaselinesMinute() {
        ProfileInsight insight = new ProfileInsight(null, SUMMARY, new Comparison.AgainstBaseline("k", BASELINE_TIME,
                List.of(new Growth("main.burnCPU", 5.0, 66.25), new Growth("main.main", 1, 2))));

        assertThat(insight.grewLine()).isEqualTo("main.burnCPU +61.3 pts vs 12:03");
    }

    @Test
    void grewLineSaysWhenNothingGrewOrThereIsNoBaselineOrNoSummary() {
        assertThat(new ProfileInsight(null, SUMMARY, new Comparison.AgainstBaseline("k", BASELINE_TIME, List.of()))
                .grewLine()).isEqualTo("nothing grew vs 12:03");
        assertThat(new ProfileInsight(null, SUMMARY, new Comparison.NoBaseline()).grewLine()).isEqualTo("no baseline");
        assertThat(new ProfileInsight(null, null, null).grewLine()).isNull();
    }
}
