package io.bolometer.agent.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Reads profiles with the real {@code go tool pprof}, so tests check content and not just size. */
public final class PprofTool {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private PprofTool() {
    }

    /** {@code go tool pprof -top FILE}: the header and one line per function, hottest first. */
    public static String top(Path profile) {
        return pprof("-top", profile);
    }

    /** {@code go tool pprof -raw FILE}: sample types, samples, locations and mappings as text. */
    public static String raw(Path profile) {
        return pprof("-raw", profile);
    }

    /** The sample type names in file order, e.g. {@code [samples, cpu]} or {@code [contentions, delay]}. */
    public static List<String> sampleTypes(Path profile) {
        List<String> lines = raw(profile).lines().toList();
        int header = lines.indexOf("Samples:");
        if (header < 0 || header + 1 >= lines.size()) {
            throw new IllegalStateException("No sample types in `go tool pprof -raw " + profile + "`");
        }
        // e.g. "alloc_objects/count alloc_space/bytes inuse_objects/count [inuse_space/bytes]"
        return Arrays.stream(lines.get(header + 1).trim().split("\\s+"))
                .map(type -> type.replace("[", "").replace("]", ""))
                .map(type -> type.substring(0, type.indexOf('/') < 0 ? type.length() : type.indexOf('/')))
                .toList();
    }

    private static String pprof(String format, Path profile) {
        Path file = profile.toAbsolutePath();
        return GoToolchain.run(TIMEOUT, file.getParent(), "tool", "pprof", format, file.toString());
    }
}
