package io.bolometer.agent.runtime;

import io.bolometer.agent.capture.CaptureOutcome;
import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** "Fetches" the recorded real Go profile of a type ({@code fixtures/pprof/<type>.pprof}) into a destination. */
final class FixtureProfiles {

    private FixtureProfiles() {
    }

    static CaptureOutcome copy(ProfileType type, Path destination) {
        try (InputStream in = FixtureProfiles.class.getResourceAsStream("/fixtures/pprof/" + type.wireName() + ".pprof")) {
            long bytes = Files.copy(in, destination, StandardCopyOption.REPLACE_EXISTING);
            return new CaptureOutcome.Captured(destination, bytes, 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
