package io.bolometer.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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

    /** Runs {@code go args…} in {@code workDir} and returns its stdout; fails with stderr on a non-zero exit. */
    public static String run(Duration timeout, Path workDir, String... args) {
        Result result = exec(timeout, workDir, args);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("`go " + String.join(" ", args) + "` exited with " + result.exitCode()
                    + ":\n" + result.stderr());
        }
        return result.stdout();
    }

    /** Runs {@code go args…} in {@code workDir}, killing it after {@code timeout}. */
    public static Result exec(Duration timeout, Path workDir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(goBinary().toString());
        command.addAll(List.of(args));
        Path stdout = null;
        Path stderr = null;
        try {
            // Files, not pipes: a chatty command can't block on a full pipe while we wait for it.
            stdout = Files.createTempFile("go-", ".out");
            stderr = Files.createTempFile("go-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            offline(builder.environment());
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("`go " + String.join(" ", args) + "` did not finish within " + timeout
                        + ":\n" + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command, e);
        } finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    /** Exit code and output of one {@code go} command. */
    public record Result(int exitCode, String stdout, String stderr) {
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

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}
