package io.bolometer.agent.store;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Which store a spooled profile belongs to; recorded in the spool so a restarted agent uploads to the same place. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = StoreLocation.S3.class, name = "s3"),
        @JsonSubTypes.Type(value = StoreLocation.Directory.class, name = "directory")
})
public sealed interface StoreLocation {

    /**
     * An S3 bucket; {@code endpoint} empty or null means AWS itself. Credentials come from the default chain.
     * {@code expectedBucketOwner}, when set, is sent with every upload (S3 answers 403 if another account owns it).
     */
    record S3(String bucket, String region, String endpoint, boolean forcePathStyle, String expectedBucketOwner)
            implements StoreLocation {
        public S3(String bucket, String region, String endpoint, boolean forcePathStyle) {
            this(bucket, region, endpoint, forcePathStyle, null);
        }

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
