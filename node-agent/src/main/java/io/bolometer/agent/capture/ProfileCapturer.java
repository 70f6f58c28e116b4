package io.bolometer.agent.capture;

import io.bolometer.agent.capture.CaptureOutcome.Captured;
import io.bolometer.agent.capture.CaptureOutcome.Failed;
import io.bolometer.agent.capture.CaptureOutcome.Skipped;
import io.bolometer.agent.capture.FetchResult.Fetched;
import io.bolometer.agent.capture.FetchResult.HttpStatus;
import io.bolometer.agent.capture.PprofValidator.Invalid;
import io.bolometer.agent.capture.PprofValidator.Valid;
import io.bolometer.model.ProfileType;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongPredicate;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** Captures one profile type of one target: fetches it to a file, validates it, and names what went wrong. */
public final class ProfileCapturer {

    /** Skip reason when another profiler (Alloy, Pyroscope) holds Go's single CPU profiler. */
    public static final String CPU_PROFILER_BUSY = "cpu-profiler-busy";

    /** Go's runtime/pprof error text when StartCPUProfile is called while a CPU profile runs. */
    static final String BUSY_MESSAGE = "cpu profiling already in use";
    /** net/http/pprof's 400 text when {@code seconds} is not below the server's WriteTimeout. */
    static final String WRITE_TIMEOUT_MESSAGE = "profile duration exceeds server's WriteTimeout";

    private final Vertx vertx;
    private final ProfileFetcher fetcher;
    private final PprofValidator validator;

    public ProfileCapturer(Vertx vertx, ProfileFetcher fetcher, PprofValidator validator) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.validator = Objects.requireNonNull(validator, "validator");
    }

    /**
     * Captures {@code type} from {@code base} (e.g. {@code http://10.0.1.7:6060}) into {@code destination}; never
     * completes exceptionally for a misbehaving target.
     *
     * @param pprofPath the pprof root on the target, e.g. {@code /debug/pprof}
     * @param cpuSeconds the CPU profile's duration; for other types only part of the request path rules
     */
    public CompletableFuture<CaptureOutcome> capture(URI base, String pprofPath, ProfileType type, int cpuSeconds,
            Path destination) {
        return capture(base, pprofPath, type, cpuSeconds, destination, more -> true);
    }

    /** As above, the body's bytes reserved in the spool through {@code room} as they arrive. */
    public CompletableFuture<CaptureOutcome> capture(URI base, String pprofPath, ProfileType type, int cpuSeconds,
            Path destination, LongPredicate room) {
        String requestPath = type.requestPath(pprofPath, cpuSeconds);
        Duration expected = type == ProfileType.CPU ? Duration.ofSeconds(cpuSeconds) : Duration.ZERO;
        return attempt(base, requestPath, type, cpuSeconds, expected, destination, room, true);
    }

    private CompletableFuture<CaptureOutcome> attempt(URI base, String requestPath, ProfileType type, int cpuSeconds,
            Duration expected, Path destination, LongPredicate room, boolean mayRetryBusy) {
        return fetcher.fetch(base, requestPath, expected, destination, room).thenCompose(fetched -> {
            if (fetched instanceof Fetched ok) {
                return validate(destination, ok);
            }
            if (fetched instanceof HttpStatus status && type == ProfileType.CPU && cpuProfilerBusy(status)) {
                return mayRetryBusy
                        ? afterDelay(Duration.ofSeconds(cpuSeconds)).thenCompose(v ->
                                attempt(base, requestPath, type, cpuSeconds, expected, destination, room, false))
                        : CompletableFuture.completedFuture(new Skipped(CPU_PROFILER_BUSY));
            }
            return CompletableFuture.completedFuture(fetchFailure(fetched, requestPath, type, cpuSeconds));
        });
    }

    private static boolean cpuProfilerBusy(HttpStatus status) {
        return status.status() == 500 && status.bodySnippet().contains(BUSY_MESSAGE);
    }

    private static CaptureOutcome fetchFailure(FetchResult fetched, String requestPath, ProfileType type, int cpuSeconds) {
        if (fetched instanceof HttpStatus status) {
            if (status.status() == 400 && type == ProfileType.CPU && status.bodySnippet().contains(WRITE_TIMEOUT_MESSAGE)) {
                return new Failed("fetch", "cpu profile of " + cpuSeconds + "s exceeds the app's HTTP WriteTimeout");
            }
            if (status.status() == 401 || status.status() == 403) {
                return new Failed("fetch", "HTTP " + status.status() + " at " + requestPath
                        + ": the pprof endpoint asks for credentials and the agent sends none");
            }
            if (status.status() == 404) {
                return new Failed("fetch", "HTTP 404 at " + requestPath + ": is net/http/pprof registered at this path?");
            }
            String snippet = status.bodySnippet().isEmpty() ? "" : ": " + status.bodySnippet();
            return new Failed("fetch", "HTTP " + status.status() + " at " + requestPath + snippet);
        }
        FetchResult.Failed failed = (FetchResult.Failed) fetched;
        if (FetchResult.Failed.SPOOL_FULL.equals(failed.kind())) {
            return new Skipped(FetchResult.Failed.SPOOL_FULL);
        }
        if (FetchResult.Failed.DISK.equals(failed.kind())) {
            // the pod answered; our own spool disk did not take the body (full, read-only, gone)
            return new Failed("spool", failed.message());
        }
        return new Failed("fetch", failed.kind() + ": " + failed.message());
    }

    private CompletableFuture<CaptureOutcome> validate(Path file, Fetched fetched) {
        return vertx.<CaptureOutcome>executeBlocking(() -> {
            PprofValidator.Result verdict;
            try {
                verdict = validator.validate(file);
            } catch (IOException e) {
                deleteQuietly(file);
                return new Failed("validate", "cannot read the fetched file " + file + ": " + e.getMessage());
            }
            if (verdict instanceof Valid valid) {
                return new Captured(file, fetched.bytes(), valid.samples());
            }
            deleteQuietly(file);
            String servedAs = fetched.contentType().isEmpty() ? "" : " (served as " + fetched.contentType() + ")";
            return new Failed("validate", ((Invalid) verdict).reason() + servedAs);
        }, false).toCompletionStage().toCompletableFuture();
    }

    private CompletableFuture<Void> afterDelay(Duration delay) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        vertx.setTimer(Math.max(1, delay.toMillis()), id -> done.complete(null));
        return done;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the spool's sweep removes leftovers; the capture outcome already says it failed
        }
    }
}
