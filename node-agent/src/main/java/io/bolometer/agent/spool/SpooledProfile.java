package io.bolometer.agent.spool;

import io.bolometer.agent.store.StoredProfile;
import java.nio.file.Path;
import java.time.Instant;

/** One committed spool entry: a complete body on disk and the record saying where it goes. */
public record SpooledProfile(String id, Path body, long sizeBytes, SpoolRecord record, Instant spooledAt) {

    /** The entry as a sink stores it: same key, body, metadata, tags and summary document. */
    public StoredProfile toStored() {
        return new StoredProfile(record.objectKey(), body, sizeBytes, record.metadata(), record.tags(),
                record.summary());
    }
}
