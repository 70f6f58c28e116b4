package io.bolometer.agent.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * One validated profile ready to store: its contract object key, the spooled body on local disk, and the
 * object metadata ({@code x-amz-meta-*} names without the prefix) and tags computed by {@code ProfileKeys}.
 *
 * @param summary the {@code .summary.json} document to keep beside the profile (directory stores), or null
 */
public record StoredProfile(String objectKey, Path body, long sizeBytes, Map<String, String> metadata,
                            Map<String, String> tags, JsonNode summary) {

    /** A profile without a summary document. */
    public StoredProfile(String objectKey, Path body, long sizeBytes, Map<String, String> metadata,
                         Map<String, String> tags) {
        this(objectKey, body, sizeBytes, metadata, tags, null);
    }
    public StoredProfile {
        metadata = Map.copyOf(metadata);
        tags = Map.copyOf(tags);
    }
}
