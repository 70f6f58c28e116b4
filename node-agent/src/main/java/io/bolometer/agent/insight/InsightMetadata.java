package io.bolometer.agent.insight;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The object metadata entries of the Insight contract: the trigger's evidence and the profile's top function,
 * together within {@link #BUDGET_BYTES} of S3's 2 KB metadata budget (pod labels share the rest).
 */
public final class InsightMetadata {

    public static final String TRIGGER_RESOURCE = "trigger-resource";
    public static final String TRIGGER_PERCENT = "trigger-percent";
    public static final String TRIGGER_THRESHOLD_PERCENT = "trigger-threshold-percent";
    public static final String TRIGGER_BASIS = "trigger-basis";
    public static final String TOP_FUNCTION = "top-function";
    public static final String TOP_PERCENT = "top-percent";
    /**
     * Bytes these entries may take, counted as {@code ProfileKeys} counts the budget: {@code x-amz-meta-} plus
     * name, plus value. The four trigger entries take at most ~150, so a top function name keeps ~190 bytes.
     */
    public static final int BUDGET_BYTES = 400;
    private static final String HEADER_PREFIX = "x-amz-meta-";
    private static final String CUT = "...";

    private InsightMetadata() {
    }

    /**
     * The entries for one capture, in contract order: trigger evidence when {@code evidence} is not null
     * (threshold captures), then the top function by flat share and its percentage when {@code summary} has one.
     * A function name is cut (ending in {@code ...}) so that all entries fit the budget; characters outside
     * printable ASCII become {@code ?} so the value goes into a header as it is.
     */
    public static Map<String, String> entries(TriggerEvidence evidence, ProfileSummary summary) {
        Map<String, String> entries = new LinkedHashMap<>();
        if (evidence != null) {
            entries.put(TRIGGER_RESOURCE, evidence.resource().wireName());
            entries.put(TRIGGER_PERCENT, TriggerEvidence.formatPercent(evidence.percent()));
            entries.put(TRIGGER_THRESHOLD_PERCENT, TriggerEvidence.formatPercent(evidence.thresholdPercent()));
            entries.put(TRIGGER_BASIS, evidence.basis().wireName());
        }
        if (summary != null && summary.topFlat().isPresent()) {
            ProfileSummary.TopEntry top = summary.topFlat().get();
            String percent = TriggerEvidence.formatPercent(top.flatPercent());
            int room = BUDGET_BYTES - budgetBytes(entries) - cost(TOP_PERCENT, percent) - cost(TOP_FUNCTION, "");
            entries.put(TOP_FUNCTION, fit(headerSafe(top.function()), room));
            entries.put(TOP_PERCENT, percent);
        }
        return Collections.unmodifiableMap(entries);
    }

    /** Bytes the entries take from the metadata budget. */
    public static int budgetBytes(Map<String, String> entries) {
        return entries.entrySet().stream().mapToInt(e -> cost(e.getKey(), e.getValue())).sum();
    }

    private static int cost(String name, String value) {
        return (HEADER_PREFIX + name).getBytes(StandardCharsets.UTF_8).length
                + value.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String fit(String value, int room) {
        return value.length() <= room ? value : value.substring(0, Math.max(0, room - CUT.length())) + CUT;
    }

    private static String headerSafe(String value) {
        StringBuilder out = new StringBuilder(value.length());
        value.chars().forEach(c -> out.append(c >= 0x20 && c <= 0x7e ? (char) c : '?'));
        return out.toString().replace("=?", "=_").strip();
    }
}
