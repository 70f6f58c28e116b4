package io.bolometer.agent.capture;

import java.nio.file.Path;

/** How capturing one profile type of one target ended. */
public sealed interface CaptureOutcome permits CaptureOutcome.Captured, CaptureOutcome.Skipped, CaptureOutcome.Failed {

    /** A validated profile now sits in {@code file}. */
    record Captured(Path file, long bytes, long samples) implements CaptureOutcome {
    }

    /** Deliberately not captured, not an error; the reason is a {@code profiling_captures_skipped_total} label. */
    record Skipped(String reason) implements CaptureOutcome {
    }

    /**
     * Not captured; {@code stage} ({@code fetch} or {@code validate}) is the {@code profiling_errors_total} label, the
     * cause is for people. No file remains.
     */
    record Failed(String stage, String cause) implements CaptureOutcome {
    }
}
