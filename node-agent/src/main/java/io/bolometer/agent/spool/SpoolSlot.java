package io.bolometer.agent.spool;

import java.nio.file.Path;

/** A reserved place in the spool: stream a fetched body into {@link #tempFile()}, then commit or discard it. */
public record SpoolSlot(Path tempFile) {
}
