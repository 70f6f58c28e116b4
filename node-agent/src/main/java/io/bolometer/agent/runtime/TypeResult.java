package io.bolometer.agent.runtime;

import io.bolometer.model.ProfileType;

/**
 * What happened to one profile type of a capture.
 *
 * @param outcome {@code captured}, {@code skipped} or {@code failed}
 * @param detail the object key when captured, the reason when skipped, {@code stage: cause} when failed
 * @param insight what the captured profile says (evidence, summary, what grew); null unless captured
 */
public record TypeResult(ProfileType type, String outcome, String detail, long bytes, ProfileInsight insight) {

    /** A result without insight. */
    public TypeResult(ProfileType type, String outcome, String detail, long bytes) {
        this(type, outcome, detail, bytes, null);
    }

    static TypeResult captured(ProfileType type, String key, long bytes, ProfileInsight insight) {
        return new TypeResult(type, "captured", key, bytes, insight);
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
