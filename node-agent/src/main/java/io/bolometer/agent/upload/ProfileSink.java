package io.bolometer.agent.upload;

import java.util.concurrent.CompletableFuture;

/** Durable storage for profiles. Completing the future means the object is stored and the spool may forget it. */
public interface ProfileSink extends AutoCloseable {

    /** Stores the body under its key with its metadata and tags; storing the same key again overwrites (idempotent). */
    CompletableFuture<Void> store(StoredProfile profile);

    /** Where this sink writes, for logs: never includes credentials. */
    String describe();

    @Override
    void close();
}
