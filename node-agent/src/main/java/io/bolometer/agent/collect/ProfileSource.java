package io.bolometer.agent.collect;

import io.bolometer.agent.capture.CaptureOutcome;
import io.bolometer.model.ProfileType;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** Fetches and validates one profile into a file; {@code ProfileCapturer} over HTTP in production. */
@FunctionalInterface
public interface ProfileSource {
    CompletableFuture<CaptureOutcome> capture(URI baseUrl, String pprofPath, ProfileType type, int cpuSeconds,
                                              Path destination);
}
