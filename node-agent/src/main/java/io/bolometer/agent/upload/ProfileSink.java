package io.bolometer.agent.upload;

import io.bolometer.agent.store.StoredProfile;
import java.util.concurrent.CompletableFuture;

/** Durable storage for profiles. Completing the future means the object is stored and the spool may forget it. */
public interface ProfileSink extends AutoCloseable {

    /**
     * Stores the body under its key with its metadata and tags. Storing the same profile again is harmless
     * (idempotent); S3 never replaces another capture's object (conditional upload, next free suffix).
     *
     * @return completes with the key actually written: the profile's own, or with the {@code -2}, {@code -3} …
     *     suffix a conditional upload took because another capture holds the key
     */
    CompletableFuture<String> store(StoredProfile profile);

    /**
     * Cleans up what an interrupted earlier store of the same key may have left behind (S3: multipart uploads
     * still open, which S3 bills for and keeps forever without a lifecycle rule). Called before retrying a store;
     * nothing to do for most sinks.
     */
    default CompletableFuture<Void> abortUnfinished(StoredProfile profile) {
        return CompletableFuture.completedFuture(null);
    }

    /** Where this sink writes, for logs: never includes credentials. */
    String describe();

    @Override
    void close();
}
