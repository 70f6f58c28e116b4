package io.bolometer.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.bolometer.agent.insight.Comparison;
import io.bolometer.agent.insight.Growth;
import io.bolometer.agent.insight.InsightMetadata;
import io.bolometer.agent.insight.ProfileSummary;
import io.bolometer.agent.insight.SummaryJson;
import io.bolometer.agent.insight.TriggerEvidence;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * What the agent learned about one captured profile: why it was taken, and — when the profile could be read — its
 * summary and what grew against the pod's baseline.
 *
 * @param evidence the threshold evidence, or null for periodic and requested captures
 * @param summary the profile's summary, or null when it could not be summarized (the profile is kept anyway)
 * @param comparison against the pod's baseline; null exactly when {@code summary} is
 */
public record ProfileInsight(TriggerEvidence evidence, ProfileSummary summary, Comparison comparison) {

    private static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    public ProfileInsight {
        if ((summary == null) != (comparison == null)) {
            throw new IllegalArgumentException("a summary comes with its comparison");
        }
    }

    /** The Insight metadata entries for the object: evidence, then top function and share. */
    public Map<String, String> metadata() {
        return InsightMetadata.entries(evidence, summary);
    }

    /** The {@code .summary.json} document, or null without a summary. */
    public JsonNode document() {
        return summary == null ? null : SummaryJson.document(summary, comparison, evidence);
    }

    /**
     * What grew most, for the assignment status and the {@code ProfileCaptured} Event: {@code main.burnCPU +61.2
     * pts vs 12:03} (the baseline's time, UTC), {@code nothing grew vs 12:03} or {@code no baseline}; null without
     * a summary.
     */
    public String grewLine() {
        if (summary == null) {
            return null;
        }
        if (!(comparison instanceof Comparison.AgainstBaseline against)) {
            return "no baseline";
        }
        String when = MINUTE.format(against.time());
        if (against.grew().isEmpty()) {
            return "nothing grew vs " + when;
        }
        Growth most = against.grew().get(0);
        return most.function() + " +" + TriggerEvidence.formatPercent(most.points()) + " pts vs " + when;
    }

    /**
     * For the capture's log line: {@code top crypto/sha256.block 85.7% flat; grew main.burnCPU +61.0 pts vs
     * 12:03:10}, or that there was no baseline, nothing grew, or no summary.
     */
    public String describe() {
        if (summary == null) {
            return "no summary";
        }
        StringBuilder out = new StringBuilder();
        out.append(summary.topFlat().map(top -> "top " + top.function() + " "
                + TriggerEvidence.formatPercent(top.flatPercent()) + "% flat").orElse("no samples"));
        if (comparison instanceof Comparison.AgainstBaseline against) {
            String when = CLOCK_TIME.format(against.time());
            if (against.grew().isEmpty()) {
                out.append("; nothing grew vs ").append(when);
            } else {
                Growth most = against.grew().get(0);
                out.append("; grew ").append(most.function()).append(" +")
                        .append(String.format(Locale.ROOT, "%.1f", most.points())).append(" pts vs ")
                        .append(when);
            }
        } else {
            out.append("; no baseline yet");
        }
        return out.toString();
    }
}
