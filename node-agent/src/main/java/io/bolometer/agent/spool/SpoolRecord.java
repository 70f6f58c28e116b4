package io.bolometer.agent.spool;

import io.bolometer.agent.upload.StoreLocation;
import java.util.Map;

/** What the spool keeps beside a body so a restarted agent uploads it to the same place under the same key. */
public record SpoolRecord(String objectKey, StoreLocation store, Map<String, String> metadata,
                          Map<String, String> tags) {
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
