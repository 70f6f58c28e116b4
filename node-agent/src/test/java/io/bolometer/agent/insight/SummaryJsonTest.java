package io.bolometer.agent.insight;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ProfileSummary HOT = new ProfileSummary(ProfileType.CPU, "cpu", 1_820_000_000L, List.of(
            new ProfileSummary.TopEntry("crypto/sha256.block", 85.71, 85.71),
            new ProfileSummary.TopEntry("main.burnCPU", 0.55, 99.45)));

    @Test
    void writesTheContractsFieldsInOrderWithBaselineAndTrigger() throws IOException {
        Comparison against = new Comparison.AgainstBaseline("profiles/2026-11-25/shop/20261125120300-shop-1-cpu.pprof",
                Instant.parse("2026-11-25T12:03:00Z"), List.of(new Growth("main.burnCPU", 0, 99.45)));
        TriggerEvidence trigger = new TriggerEvidence(TriggerEvidence.Resource.CPU, 93.4, 80, TriggerEvidence.Basis.LIMIT);

        JsonNode doc = JSON.readTree(SummaryJson.write(HOT, against, trigger));

        assertThat(doc.fieldNames()).toIterable()
                .containsExactly("type", "sampleType", "total", "top", "grew", "baseline", "trigger");
        assertThat(doc.get("type").asText()).isEqualTo("cpu");
        assertThat(doc.get("total").asLong()).isEqualTo(1_820_000_000L);
        assertThat(doc.get("top").get(1).toString())
                .isEqualTo("{\"function\":\"main.burnCPU\",\"flatPercent\":0.55,\"cumPercent\":99.45}");
        assertThat(doc.get("grew").get(0).toString())
                .isEqualTo("{\"function\":\"main.burnCPU\",\"fromPercent\":0.0,\"toPercent\":99.45}");
        assertThat(doc.get("baseline").toString()).isEqualTo(
                "{\"key\":\"profiles/2026-11-25/shop/20261125120300-shop-1-cpu.pprof\",\"time\":\"2026-11-25T12:03:00Z\"}");
        assertThat(doc.get("trigger").toString()).isEqualTo(
                "{\"resource\":\"cpu\",\"percent\":93.4,\"thresholdPercent\":80.0,\"basis\":\"limit\"}");
        TriggerEvidence measured = new TriggerEvidence(TriggerEvidence.Resource.CPU, 186.03851268828876, 80,
                TriggerEvidence.Basis.LIMIT);
        assertThat(JSON.readTree(SummaryJson.write(HOT, against, measured)).get("trigger").get("percent").asDouble())
                .as("two decimals, as the shares").isEqualTo(186.04);
    }

    @Test
    void writesNullBaselineEmptyGrewAndNullTriggerForAFirstPeriodicCapture() throws IOException {
        JsonNode doc = JSON.readTree(SummaryJson.write(HOT, new Comparison.NoBaseline(), null));

        assertThat(doc.get("baseline").isNull()).isTrue();
        assertThat(doc.get("trigger").isNull()).isTrue();
        assertThat(doc.get("grew").isArray()).isTrue();
        assertThat(doc.get("grew")).isEmpty();
    }

    @Test
    void readsBackTheSummaryItWrote() throws IOException {
        JsonNode doc = JSON.readTree(SummaryJson.write(HOT, new Comparison.NoBaseline(), null));

        assertThat(SummaryJson.readSummary(doc)).isEqualTo(HOT);
    }

    @Test
    void putsTheSummaryBesideTheProfileKey() {
        assertThat(SummaryJson.summaryKey("profiles/2026-11-25/shop/20261125120300-shop-1-cpu-2.pprof"))
                .isEqualTo("profiles/2026-11-25/shop/20261125120300-shop-1-cpu-2.summary.json");
    }
}
