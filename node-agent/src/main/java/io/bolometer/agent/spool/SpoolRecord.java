package io.bolometer.agent.spool;

import io.bolometer.agent.upload.StoreLocation;
import java.util.Map;

/**
 * What the spool keeps beside a body so a restarted agent uploads it to the same place under the same key.
 *
 * @param source the config the profile was captured for ({@code namespace/name}), so uploads can be counted per
 *     config; null in records written before it existed
 */
public record SpoolRecord(String objectKey, StoreLocation store, Map<String, String> metadata,
                          Map<String, String> tags, String source) {

    /** A record that names no config. */
    public SpoolRecord(String objectKey, StoreLocation store, Map<String, String> metadata, Map<String, String> tags) {
        this(objectKey, store, metadata, tags, null);
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
    }
}
