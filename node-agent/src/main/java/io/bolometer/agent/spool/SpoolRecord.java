package io.bolometer.agent.spool;

import com.fasterxml.jackson.databind.JsonNode;
import io.bolometer.agent.store.StoreLocation;
import java.util.Map;

/**
 * What the spool keeps beside a body so a restarted agent uploads it to the same place under the same key.
 *
 * @param source the config the profile was captured for ({@code namespace/name}), so uploads can be counted per
 *     config; null in records written before it existed
 * @param summary the profile's {@code .summary.json} document (Insight) for stores that keep one beside the
 *     profile; null when there is none, and in records written before it existed
 * @param grew what grew against the pod's baseline, one line for the assignment status ({@code main.burnCPU +61
 *     pts vs 12:03}, {@code nothing grew vs 12:03}, {@code no baseline}); null without a summary, and in records
 *     written before it existed
 */
public record SpoolRecord(String objectKey, StoreLocation store, Map<String, String> metadata,
                          Map<String, String> tags, String source, JsonNode summary, String grew) {

    /** A record without the grew line. */
    public SpoolRecord(String objectKey, StoreLocation store, Map<String, String> metadata, Map<String, String> tags,
                       String source, JsonNode summary) {
        this(objectKey, store, metadata, tags, source, summary, null);
    }

    /** A record without a summary document. */
    public SpoolRecord(String objectKey, StoreLocation store, Map<String, String> metadata, Map<String, String> tags,
                       String source) {
        this(objectKey, store, metadata, tags, source, null, null);
    }

    /** A record that names no config. */
    public SpoolRecord(String objectKey, StoreLocation store, Map<String, String> metadata, Map<String, String> tags) {
        this(objectKey, store, metadata, tags, null, null, null);
    }

    public SpoolRecord {
        if (objectKey == null || objectKey.isBlank()) {
            throw new IllegalArgumentException("objectKey must not be blank");
        }
        if (store == null) {
            throw new IllegalArgumentException("store must not be null");
        }
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        summary = summary == null || summary.isNull() ? null : summary;
    }
}
