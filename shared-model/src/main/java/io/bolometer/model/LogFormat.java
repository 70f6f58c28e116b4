package io.bolometer.model;

import java.util.Map;
import java.util.Optional;

/**
 * {@code LOG_FORMAT}, read by both binaries before logging starts: {@code text} (the default) or {@code json}, the
 * names of their logback appenders; logback would silently log nothing for any other.
 */
public final class LogFormat {
    private LogFormat() {
    }

    /** Why the {@code LOG_FORMAT} of {@code environment} cannot be used, or empty when it can. */
    public static Optional<String> problem(Map<String, String> environment) {
        String format = environment.getOrDefault("LOG_FORMAT", "text");
        if (format.equals("text") || format.equals("json")) {
            return Optional.empty();
        }
        return Optional.of(String.format("LOG_FORMAT must be text or json, was '%.40s'", format));
    }
}
