package io.bolometer.agent.testing;

import io.bolometer.testing.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finds the Go toolchain and the repository for tests, and runs {@code go} commands with a time limit. */
public final class GoToolchain {

    static final String GO_BINARY_PROPERTY = "go.binary";
    static final String REPO_ROOT_PROPERTY = "bolometer.repo.root";
    private static final Path SAMPLE_APP = Path.of("examples", "sample-app");
    private static final Path DEBIAN_GO = Path.of("/usr/lib/go/bin/go");

    private GoToolchain() {
    }

    /** The {@code go} executable: {@code -Dgo.binary} (a path or a name on PATH), else PATH, else Debian's. */
    public static Path goBinary() {
        String configured = System.getProperty(GO_BINARY_PROPERTY, "go").trim();
        List<Optional<Path>> candidates = List.of(
                configured.contains("/") ? executable(Path.of(configured)) : onPath(configured),
                onPath("go"),
                executable(DEBIAN_GO));
        return candidates.stream().flatMap(Optional::stream).findFirst().orElseThrow(() -> new IllegalStateException(
                "No Go toolchain found (tried -D" + GO_BINARY_PROPERTY + "=" + configured + ", `go` on PATH, "
                        + DEBIAN_GO + "). Run scripts/ensure-go.sh, which installs Debian's golang-go, and retry."));
    }

    /** The repository root: {@code -Dbolometer.repo.root} when it holds the sample app, else found from the cwd. */
    public static Path repoRoot() {
        String configured = System.getProperty(REPO_ROOT_PROPERTY);
        List<Path> starts = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            starts.add(Path.of(configured));
        }
        starts.add(Path.of(System.getProperty("user.dir")));
        for (Path start : starts) {
            for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
                if (Files.isDirectory(dir.resolve(SAMPLE_APP))) {
                    return dir;
                }
            }
        }
        throw new IllegalStateException("Cannot find the repository root (a directory holding " + SAMPLE_APP
                + ") from " + starts + "; set -D" + REPO_ROOT_PROPERTY);
    }

    /** The Go sources of the sample app, {@code examples/sample-app}. */
    public static Path sampleAppDir() {
        return repoRoot().resolve(SAMPLE_APP);
    }

    /**
     * Runs {@code go args…} in {@code workDir} and returns its stdout; fails with stderr on a non-zero exit, and as
     * {@link Command} does when it outlives {@code timeout}.
     */
    public static String run(Duration timeout, Path workDir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(goBinary().toString());
        command.addAll(List.of(args));
        Command.Result result = Command.run(command, workDir, null, timeout,
                Path.of(System.getProperty("java.io.tmpdir")), GoToolchain::offline);
        if (!result.succeeded()) {
            throw new IllegalStateException("`go " + String.join(" ", args) + "` exited with " + result.exitCode()
                    + ":\n" + result.stderr());
        }
        return result.stdout();
    }

    /**
     * No module proxy is reachable and the sample app needs none; a HOME that can't be written (some CI users) gets
     * its Go caches under target/ instead.
     */
    private static void offline(Map<String, String> env) {
        env.put("GOPROXY", "off");
        env.put("GOTOOLCHAIN", "local");
        String home = env.get("HOME");
        boolean homeWritable = home != null && Files.isWritable(Path.of(home));
        if (!homeWritable) {
            Path target = Path.of(System.getProperty("user.dir"), "target");
            env.putIfAbsent("GOCACHE", target.resolve("go-cache").toAbsolutePath().toString());
            env.putIfAbsent("GOPATH", target.resolve("go-path").toAbsolutePath().toString());
        }
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Optional<Path> found = executable(Path.of(dir, name));
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> executable(Path candidate) {
        return Files.isRegularFile(candidate) && Files.isExecutable(candidate)
                ? Optional.of(candidate.toAbsolutePath())
                : Optional.empty();
    }
}
