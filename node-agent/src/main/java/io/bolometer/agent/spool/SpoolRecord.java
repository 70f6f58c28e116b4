package io.bolometer.agent.spool;

import com.fasterxml.jackson.databind.JsonNode;
import io.bolometer.agent.upload.StoreLocation;
import java.util.Map;

/**
 * What the spool keeps beside a body so a restarted agent uploads it to the same place under the same key.
 *
 * @param source the config the profile was captured for ({@code namespace/name}), so uploads can be counted per
 *     config; null in records written before it existed
 * @param summary the profile's {@code .summary.json} document (Insight) for stores that keep one beside the
 *     profile; null when there is none, and in records written before it existed
 */
public record SpoolRecord(String objectKey, StoreLocation store, Map<String, String> metadata,
                          Map<String, String> tags, String source, JsonNode summary) {

    /** A record without a summary document. */
    public SpoolRecord(String objectKey, StoreLocation store, Map<String, String> metadata, Map<String, String> tags,
                       String source) {
        this(objectKey, store, metadata, tags, source, null);
    }

    /** A record that names no config. */
    public SpoolRecord(String objectKey, StoreLocation store, Map<String, String> metadata, Map<String, String> tags) {
        this(objectKey, store, metadata, tags, null, null);
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
