package io.bolometer.agent.spool;

import java.io.IOException;

/** The spool already holds its byte budget; the caller skips the capture (reason {@code spool-full}). */
public final class SpoolFullException extends IOException {

    public SpoolFullException(long bytes, long maxBytes) {
        super("spool holds " + bytes + " bytes, limit " + maxBytes);
    }
}
