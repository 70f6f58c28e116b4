package io.bolometer.agent.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.bolometer.agent.targets.ResourceLimits;
import io.bolometer.model.ProfileType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InsightMetadataTest {

    private static final TriggerEvidence CPU_HOT =
            new TriggerEvidence(TriggerEvidence.Resource.CPU, 93.44, 80, TriggerEvidence.Basis.LIMIT);

    @Test
    void carriesTheEvidenceAndTheTopFunctionInContractOrder() {
        ProfileSummary summary = new ProfileSummary(ProfileType.CPU, "cpu", 10, List.of(
                new ProfileSummary.TopEntry("crypto/sha256.block", 85.71, 85.71),
                new ProfileSummary.TopEntry("main.burnCPU", 0.55, 99.45)));

        Map<String, String> entries = InsightMetadata.entries(CPU_HOT, summary);

        assertThat(entries).containsExactly(
                entry("trigger-resource", "cpu"), entry("trigger-percent", "93.4"),
                entry("trigger-threshold-percent", "80"), entry("trigger-basis", "limit"),
                entry("top-function", "crypto/sha256.block"), entry("top-percent", "85.7"));
    }

    @Test
    void carriesOnlyTheTopFunctionForCapturesWithoutATrigger() {
        ProfileSummary summary = new ProfileSummary(ProfileType.HEAP, "inuse_space", 10,
                List.of(new ProfileSummary.TopEntry("main.growHeap", 88.98, 88.98)));

        assertThat(InsightMetadata.entries(null, summary)).containsOnlyKeys("top-function", "top-percent");
        assertThat(InsightMetadata.entries(CPU_HOT, new ProfileSummary(ProfileType.MUTEX, "delay", 0, List.of())))
                .doesNotContainKey("top-function").containsKey("trigger-basis");
    }

    @Test
    void cutsALongOrNonAsciiFunctionNameToStayWithinTheBudget() {
        String generic = "example.com/shop/cart.(*Cache[go.shape.struct { ID string; Items []example.com/shop/cart.Item }])"
                .repeat(5) + ".Get\u00e9";
        ProfileSummary summary = new ProfileSummary(ProfileType.CPU, "cpu", 10,
                List.of(new ProfileSummary.TopEntry(generic, 50, 50)));
        TriggerEvidence projected = new TriggerEvidence(TriggerEvidence.Resource.MEMORY_PROJECTED, 97.5, 98,
                TriggerEvidence.Basis.ALLOCATABLE);

        Map<String, String> entries = InsightMetadata.entries(projected, summary);

        assertThat(InsightMetadata.budgetBytes(entries)).isLessThanOrEqualTo(InsightMetadata.BUDGET_BYTES)
                .isGreaterThan(InsightMetadata.BUDGET_BYTES - 10);
        assertThat(entries.get("top-function")).startsWith("example.com/shop/cart.(*Cache[").endsWith("...")
                .matches("[\\x20-\\x7e]+");
        assertThat(InsightMetadata.entries(projected, new ProfileSummary(ProfileType.CPU, "cpu", 10,
                List.of(new ProfileSummary.TopEntry("main.caf\u00e9", 50, 50))))).containsEntry("top-function", "main.caf?");
    }

    @Test
    void mapsTheTriggersBasisOntoTheContractsThreeWords() {
        assertThat(TriggerEvidence.Basis.of(ResourceLimits.Basis.REQUEST)).isEqualTo(TriggerEvidence.Basis.REQUEST);
        assertThat(TriggerEvidence.Basis.of(ResourceLimits.Basis.ALLOCATABLE)).isEqualTo(TriggerEvidence.Basis.ALLOCATABLE);
        assertThat(TriggerEvidence.Basis.of(ResourceLimits.Basis.CONFIGURED)).isEqualTo(TriggerEvidence.Basis.LIMIT);
        assertThat(CPU_HOT.describe()).isEqualTo("cpu 93.4% of limit \u2265 80%");
    }

    @Test
    void takesTheEvidenceFromTheResourceThatCrossedCpuFirst() {
        ResourceLimits limits = ResourceLimits.resolve(2, 1, 8, 0, 256L << 20, 1L << 33);
        io.bolometer.agent.trigger.Evaluation both = new io.bolometer.agent.trigger.Evaluation(93.4, 95.2, true, true,
                io.bolometer.agent.trigger.Evaluation.Decision.CAPTURE);
        io.bolometer.agent.trigger.Evaluation memory = new io.bolometer.agent.trigger.Evaluation(12, 95.2, false, true,
                io.bolometer.agent.trigger.Evaluation.Decision.CAPTURE);
        io.bolometer.agent.trigger.Evaluation none = new io.bolometer.agent.trigger.Evaluation(12, 50, false, false,
                io.bolometer.agent.trigger.Evaluation.Decision.BELOW_THRESHOLD);

        assertThat(TriggerEvidence.of(both, limits, 80, 90)).contains(
                new TriggerEvidence(TriggerEvidence.Resource.CPU, 93.4, 80, TriggerEvidence.Basis.LIMIT));
        assertThat(TriggerEvidence.of(memory, limits, 80, 90)).contains(
                new TriggerEvidence(TriggerEvidence.Resource.MEMORY, 95.2, 90, TriggerEvidence.Basis.REQUEST));
        assertThat(TriggerEvidence.of(none, limits, 80, 90)).isEmpty();
    }
}
