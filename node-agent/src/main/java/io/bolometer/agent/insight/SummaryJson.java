package io.bolometer.agent.insight;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bolometer.model.ProfileType;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the {@code <key without .pprof>.summary.json} document of the Insight contract:
 * {@code {"type", "sampleType", "total", "top", "grew", "baseline", "trigger"}}.
 */
public final class SummaryJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String PPROF = ".pprof";

    private SummaryJson() {
    }

    /** The summary's key beside the profile's: {@code …-cpu.pprof} → {@code …-cpu.summary.json}. */
    public static String summaryKey(String profileKey) {
        String stem = profileKey.endsWith(PPROF) ? profileKey.substring(0, profileKey.length() - PPROF.length())
                : profileKey;
        return stem + ".summary.json";
    }

    /**
     * The document for one capture, UTF-8.
     *
     * @param trigger the threshold evidence, or {@code null} for periodic and requested captures
     */
    public static byte[] write(ProfileSummary summary, Comparison comparison, TriggerEvidence trigger) {
        return bytes(document(summary, comparison, trigger));
    }

    /**
     * The document for one capture as a JSON tree (kept so in the spool record until the store writes it).
     *
     * @param trigger the threshold evidence, or {@code null} for periodic and requested captures
     */
    public static ObjectNode document(ProfileSummary summary, Comparison comparison, TriggerEvidence trigger) {
        ObjectNode root = summaryNode(summary);
        ArrayNode grew = root.putArray("grew");
        for (Growth growth : comparison.grew()) {
            grew.addObject().put("function", growth.function()).put("fromPercent", growth.fromPercent())
                    .put("toPercent", growth.toPercent());
        }
        if (comparison instanceof Comparison.AgainstBaseline against) {
            root.putObject("baseline").put("key", against.key()).put("time", against.time().toString());
        } else {
            root.putNull("baseline");
        }
        if (trigger != null) {
            // two decimals, as the shares in "top": a rate of 186.03851268828876% says no more than 186.04%
            root.putObject("trigger").put("resource", trigger.resource().wireName())
                    .put("percent", Math.round(trigger.percent() * 100) / 100.0)
                    .put("thresholdPercent", trigger.thresholdPercent()).put("basis", trigger.basis().wireName());
        } else {
            root.putNull("trigger");
        }
        return root;
    }

    /** {@code {"type", "sampleType", "total", "top": […]}}: the part of the document that is the summary itself. */
    static ObjectNode summaryNode(ProfileSummary summary) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", summary.type().wireName()).put("sampleType", summary.sampleType()).put("total", summary.total());
        ArrayNode top = root.putArray("top");
        for (ProfileSummary.TopEntry entry : summary.top()) {
            top.addObject().put("function", entry.function()).put("flatPercent", entry.flatPercent())
                    .put("cumPercent", entry.cumPercent());
        }
        return root;
    }

    /** Reads back what {@link #summaryNode} wrote (also the summary part of a whole document). */
    static ProfileSummary readSummary(JsonNode node) {
        List<ProfileSummary.TopEntry> top = new ArrayList<>();
        for (JsonNode entry : required(node, "top")) {
            top.add(new ProfileSummary.TopEntry(required(entry, "function").asText(),
                    required(entry, "flatPercent").asDouble(), required(entry, "cumPercent").asDouble()));
        }
        return new ProfileSummary(ProfileType.fromWireName(required(node, "type").asText()),
                required(node, "sampleType").asText(), required(node, "total").asLong(), top);
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree always serialises", e);
        }
    }

    static JsonNode parse(byte[] document) throws java.io.IOException {
        return JSON.readTree(document);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("summary JSON lacks \"" + field + "\"");
        }
        return value;
    }
}
