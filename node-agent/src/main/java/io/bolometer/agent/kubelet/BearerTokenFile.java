package io.bolometer.agent.kubelet;

import io.bolometer.agent.trigger.UsageSourceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A bearer token kept in a file that may be replaced at any time, as projected service-account tokens are (the
 * kubelet rewrites them well before they expire).
 *
 * <p>The file is stat'ed at most once per {@code checkInterval} and re-read only when its modification time or size
 * changed; {@link #reload()} forces a read (after a 401). All file access goes through {@code vertx.fileSystem()},
 * so no event-loop thread blocks. The token itself is never part of a message, exception or {@code toString}.
 */
final class BearerTokenFile {

    private final Vertx vertx;
    private final Path path;
    private final Clock clock;
    private final Duration checkInterval;
    private final AtomicReference<Loaded> loaded = new AtomicReference<>();

    BearerTokenFile(Vertx vertx, Path path, Clock clock, Duration checkInterval) {
        this.vertx = vertx;
        this.path = path;
        this.clock = clock;
        this.checkInterval = checkInterval;
    }

    /** The token, re-read first when the check interval has passed and the file changed. */
    Future<String> current() {
        Loaded known = loaded.get();
        Instant now = clock.instant();
        if (known != null && now.isBefore(known.checkedAt().plus(checkInterval))) {
            return Future.succeededFuture(known.token());
        }
        return vertx.fileSystem().props(path.toString())
                .compose(props -> known != null && known.sameFile(props)
                        ? Future.succeededFuture(remember(known.token(), props, now))
                        : read(props, now))
                .recover(failure -> keepOrFail(known, failure));
    }

    /** Reads the file again whatever its time stamp says; succeeds with whether the token changed. */
    Future<Boolean> reload() {
        Loaded known = loaded.get();
        Instant now = clock.instant();
        return vertx.fileSystem().props(path.toString())
                .compose(props -> read(props, now))
                .map(token -> known == null || !known.token().equals(token))
                .recover(failure -> keepOrFail(known, failure).map(token -> false));
    }

    private Future<String> read(FileProps props, Instant now) {
        return vertx.fileSystem().readFile(path.toString()).compose(buffer -> {
            String token = buffer.toString(StandardCharsets.UTF_8).trim();
            if (token.isEmpty()) {
                return Future.failedFuture(new UsageSourceException("unauthorized",
                        "kubelet token file " + path + " is empty"));
            }
            return Future.succeededFuture(remember(token, props, now));
        });
    }

    private String remember(String token, FileProps props, Instant now) {
        loaded.set(new Loaded(token, props.lastModifiedTime(), props.size(), now));
        return token;
    }

    /** A token that was good a moment ago beats none while the file is being swapped. */
    private Future<String> keepOrFail(Loaded known, Throwable failure) {
        if (known != null) {
            return Future.succeededFuture(known.token());
        }
        if (failure instanceof UsageSourceException e) {
            return Future.failedFuture(e);
        }
        return Future.failedFuture(new UsageSourceException("unauthorized",
                "cannot read kubelet token file " + path + " (" + failure.getClass().getSimpleName() + ")"));
    }

    @Override
    public String toString() {
        return "BearerTokenFile[" + path + "]";
    }

    private record Loaded(String token, long modified, long size, Instant checkedAt) {
        boolean sameFile(FileProps props) {
            return props.lastModifiedTime() == modified && props.size() == size;
        }

        @Override
        public String toString() {
            return "Loaded[modified=" + modified + ", size=" + size + ", checkedAt=" + checkedAt + "]";
        }
    }
}
