package io.bolometer.agent.spool;

import java.io.IOException;

/**
 * No room for a profile even after dropping every spooled profile not being uploaded (e.g. a single profile larger
 * than the budget); the caller skips the capture (reason {@code spool-full}).
 */
public final class SpoolFullException extends IOException {

    public SpoolFullException(String message) {
        super(message);
    }
}
