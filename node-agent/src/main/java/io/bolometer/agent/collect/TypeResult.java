package io.bolometer.agent.collect;

import io.bolometer.model.ProfileType;

/**
 * What happened to one profile type of a capture.
 *
 * @param outcome {@code captured}, {@code skipped} or {@code failed}
 * @param detail the object key when captured, the reason when skipped, {@code stage: cause} when failed
 */
public record TypeResult(ProfileType type, String outcome, String detail, long bytes) {
    static TypeResult captured(ProfileType type, String key, long bytes) {
        return new TypeResult(type, "captured", key, bytes);
    }

    static TypeResult skipped(ProfileType type, String reason) {
        return new TypeResult(type, "skipped", reason, 0);
    }

    static TypeResult failed(ProfileType type, String stage, String cause) {
        return new TypeResult(type, "failed", stage + ": " + cause, 0);
    }

    public boolean captured() {
        return "captured".equals(outcome);
    }
}
