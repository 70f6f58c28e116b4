package io.bolometer.model;

import java.util.Map;
import java.util.Optional;

/**
 * {@code LOG_FORMAT}, checked by both binaries before logging starts: {@code text} (the default) or {@code json}.
 * Anything else is refused rather than guessed at: the coordinator's logback.xml would log nothing (no appender of
 * that name), and the agent's {@code LoggingConfigurator} would quietly fall back to text.
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
