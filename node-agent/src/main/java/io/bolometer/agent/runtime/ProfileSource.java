package io.bolometer.agent.runtime;

import io.bolometer.agent.capture.CaptureOutcome;
import io.bolometer.model.ProfileType;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongPredicate;

/** Fetches and validates one profile into a file; {@code ProfileCapturer} over HTTP in production. */
@FunctionalInterface
public interface ProfileSource {
    CompletableFuture<CaptureOutcome> capture(URI baseUrl, String pprofPath, ProfileType type, int cpuSeconds,
                                              Path destination);

    /**
     * As above, asking {@code room} before writing more body bytes (the spool's budget); a source that writes small
     * files (test fakes) may ignore it.
     */
    default CompletableFuture<CaptureOutcome> capture(URI baseUrl, String pprofPath, ProfileType type, int cpuSeconds,
                                                      Path destination, LongPredicate room) {
        return capture(baseUrl, pprofPath, type, cpuSeconds, destination);
    }

    /** The capturer as a source, with the spool's budget applied to every body. */
    static ProfileSource of(io.bolometer.agent.capture.ProfileCapturer capturer) {
        return new ProfileSource() {
            @Override
            public CompletableFuture<CaptureOutcome> capture(URI baseUrl, String pprofPath, ProfileType type,
                                                             int cpuSeconds, Path destination) {
                return capturer.capture(baseUrl, pprofPath, type, cpuSeconds, destination);
            }

            @Override
            public CompletableFuture<CaptureOutcome> capture(URI baseUrl, String pprofPath, ProfileType type,
                                                             int cpuSeconds, Path destination, LongPredicate room) {
                return capturer.capture(baseUrl, pprofPath, type, cpuSeconds, destination, room);
            }
        };
    }
}
