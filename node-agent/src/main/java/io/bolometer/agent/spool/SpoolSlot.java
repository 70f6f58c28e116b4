package io.bolometer.agent.spool;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A reserved place in the spool: stream a fetched body into {@link #tempFile()}, then commit or discard it.
 *
 * @param source the config the body is fetched for ({@code namespace/name}, {@code ""} when none): its reservation
 *     counts towards that config's share of the spool
 */
public record SpoolSlot(Path tempFile, String source) {
    public SpoolSlot {
        source = Objects.requireNonNullElse(source, "");
    }

    public SpoolSlot(Path tempFile) {
        this(tempFile, "");
    }
}
