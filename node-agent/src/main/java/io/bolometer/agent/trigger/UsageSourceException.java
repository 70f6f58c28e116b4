package io.bolometer.agent.trigger;

/** A usage source could not produce a snapshot; {@code cause} is a short stable word used once per log cause. */
public class UsageSourceException extends RuntimeException {
    private final String kind;

    public UsageSourceException(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    public UsageSourceException(String kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** e.g. {@code unreachable}, {@code unauthorized}, {@code timeout}, {@code bad-response}. */
    public String kind() {
        return kind;
    }
}
