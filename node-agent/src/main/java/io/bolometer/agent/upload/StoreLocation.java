package io.bolometer.agent.upload;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Which store a spooled profile belongs to; recorded in the spool so a restarted agent uploads to the same place. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = StoreLocation.S3.class, name = "s3"),
        @JsonSubTypes.Type(value = StoreLocation.Directory.class, name = "directory")
})
public sealed interface StoreLocation {

    /** An S3 bucket; {@code endpoint} empty or null means AWS itself. Credentials come from the default chain. */
    record S3(String bucket, String region, String endpoint, boolean forcePathStyle) implements StoreLocation {
        @Override
        public String toString() {
            return "s3://" + bucket + (endpoint == null || endpoint.isBlank() ? "" : " at " + endpoint)
                    + (region == null ? "" : " (" + region + ")");
        }
    }

    /** A local directory: objects land at {@code <path>/<key>}, metadata beside as {@code <key>.json}. */
    record Directory(String path) implements StoreLocation {
        @Override
        public String toString() {
            return path;
        }
    }
}
