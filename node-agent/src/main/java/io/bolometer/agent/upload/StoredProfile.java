package io.bolometer.agent.upload;

import java.nio.file.Path;
import java.util.Map;

/**
 * One validated profile ready to store: its contract object key, the spooled body on local disk, and the
 * object metadata ({@code x-amz-meta-*} names without the prefix) and tags computed by {@code ProfileKeys}.
 */
public record StoredProfile(String objectKey, Path body, long sizeBytes, Map<String, String> metadata,
                            Map<String, String> tags) {
    public StoredProfile {
        metadata = Map.copyOf(metadata);
        tags = Map.copyOf(tags);
    }
}
