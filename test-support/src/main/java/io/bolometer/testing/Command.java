package io.bolometer.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a program to its end, bounded in time, with its output in files (so a chatty program never blocks on a full
 * pipe): kubectl, the repository's scripts, ctr. A program that outlives its timeout is killed and fails the test.
 */
public final class Command {
    private Command() {
    }

    /** What one run did. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n"
                    + stderr;
        }
    }

    /**
     * Runs {@code command} in {@code dir} (null: this process's directory) with {@code stdin} (null: none) and the
     * environment as {@code environment} leaves it; output goes through temporary files in {@code scratch}.
     */
    public static Result run(List<String> command, Path dir, String stdin, Duration timeout, Path scratch,
                             Consumer<Map<String, String>> environment) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile(scratch, "command", ".out");
            err = Files.createTempFile(scratch, "command", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (dir != null) {
                builder.directory(dir.toFile());
            }
            environment.accept(builder.environment());
            Process process = builder.start();
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(List.copyOf(command), process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Runs {@code command} in {@code dir}, no input, the inherited environment, scratch files in the temp directory. */
    public static Result run(List<String> command, Path dir, Duration timeout) {
        return run(command, dir, null, timeout, Path.of(System.getProperty("java.io.tmpdir")), env -> { });
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a scratch file left in a temp directory
            }
        }
    }
}
