package io.bolometer.coordinator.planning;

import java.util.List;

/**
 * The outcome of validating a config: valid, or invalid with a machine-readable reason (the condition's
 * {@code reason}, CamelCase) and human-readable messages that name the fields.
 */
public record Validation(boolean valid, String reason, List<String> messages) {
    public static final Validation VALID = new Validation(true, "Valid", List.of());

    public Validation {
        messages = List.copyOf(messages);
    }

    public static Validation invalid(String reason, List<String> messages) {
        return new Validation(false, reason, messages);
    }

    /** e.g. {@code cpuProfileSeconds (30) must be shorter than checkIntervalSeconds (10)}; joined with "; ". */
    public String message() {
        return String.join("; ", messages);
    }
}
