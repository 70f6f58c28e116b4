package io.bolometer.agent.capture;

import io.bolometer.agent.capture.FetchResult.Failed;
import io.bolometer.agent.capture.FetchResult.Fetched;
import io.bolometer.agent.capture.FetchResult.HttpStatus;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongPredicate;
import java.util.concurrent.CompletableFuture;

/**
 * Streams one pprof HTTP response body from {@code http://<podIP>:<port>} to a file, following no redirects and
 * bounded in time and size; a failed fetch leaves no file behind.
 */
public final class ProfileFetcher implements AutoCloseable {
    /** Body bytes reserved in the spool at a time. */
    public static final long RESERVATION_STEP = 64 * 1024;

    static final int SNIPPET_CHARS = 200;
    private static final int SNIPPET_READ_BYTES = 1024;

    private final Vertx vertx;
    private final FetchLimits limits;
    private final HttpClientAgent client;

    /** Uses the shared {@code vertx} (not owned: {@link #close()} closes only this fetcher's HTTP client). */
    public ProfileFetcher(Vertx vertx, FetchLimits limits) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.limits = Objects.requireNonNull(limits, "limits");
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout(Math.toIntExact(limits.connectTimeout().toMillis()))
                .setKeepAlive(true)
                .setKeepAliveTimeout(30)
                // the body is stored as served (gzip, no Content-Encoding): never ask for or undo a transfer encoding
                .setDecompressionSupported(false);
        this.client = vertx.httpClientBuilder().with(options).build();
    }

    public FetchLimits limits() {
        return limits;
    }

    /**
     * Fetches {@code base + requestPath} into {@code destination} (created or truncated).
     *
     * @param base {@code http://host:port}, nothing else: no user info, path, query or fragment
     * @param requestPath path and query starting with {@code /}, e.g. from {@code ProfileType.requestPath}
     * @param expectedDuration how long the server legitimately takes before answering (a CPU profile's seconds)
     */
    public CompletableFuture<FetchResult> fetch(URI base, String requestPath, Duration expectedDuration, Path destination) {
        return fetch(base, requestPath, expectedDuration, destination, more -> true);
    }

    /**
     * As above, asking {@code room} for every {@value #RESERVATION_STEP} bytes more of body before writing them
     * (the spool's budget); when it says no, the fetch ends as {@link FetchResult.Failed#SPOOL_FULL}.
     */
    public CompletableFuture<FetchResult> fetch(URI base, String requestPath, Duration expectedDuration, Path destination,
                                                LongPredicate room) {
        Endpoint endpoint = Endpoint.of(base);
        if (requestPath == null || !requestPath.startsWith("/")) {
            throw new IllegalArgumentException("requestPath must start with '/': " + requestPath);
        }
        Objects.requireNonNull(expectedDuration, "expectedDuration");
        Objects.requireNonNull(destination, "destination");
        CompletableFuture<FetchResult> result = new CompletableFuture<>();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> new Attempt(endpoint, requestPath, expectedDuration, destination, room, result).start());
        return result;
    }

    /** Closes this fetcher's HTTP client and its pooled connections; the shared Vertx stays up. */
    @Override
    public void close() {
        client.close();
    }

    /** Keeps only printable characters of a body's start, in one line, at most 200 characters. */
    static String sanitize(Buffer body) {
        String text = body.toString(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        boolean space = false;
        for (int i = 0; i < text.length() && out.length() < SNIPPET_CHARS; i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '\uFFFD') {
                space = out.length() > 0;
            } else {
                if (space) {
                    out.append(' ');
                    space = false;
                }
                out.append(c);
            }
        }
        return out.length() > SNIPPET_CHARS ? out.substring(0, SNIPPET_CHARS) : out.toString();
    }

    private record Endpoint(String host, int port) {
        static Endpoint of(URI base) {
            Objects.requireNonNull(base, "base");
            if (!"http".equalsIgnoreCase(base.getScheme())) {
                throw new IllegalArgumentException("only http:// pod endpoints are fetched, not " + base);
            }
            boolean bare = base.getHost() != null && base.getRawUserInfo() == null && base.getRawQuery() == null
                    && base.getRawFragment() == null && (base.getRawPath() == null || base.getRawPath().isEmpty()
                    || base.getRawPath().equals("/"));
            if (!bare) {
                throw new IllegalArgumentException("base must be http://<host>:<port> and nothing more: " + base);
            }
            return new Endpoint(base.getHost(), base.getPort() < 0 ? 80 : base.getPort());
        }
    }

    /** One fetch, confined to one Vert.x context so its state needs no locks. */
    private final class Attempt {
        private final Endpoint endpoint;
        private final String path;
        private final Duration expected;
        private final Path destination;
        private final LongPredicate room;
        private final CompletableFuture<FetchResult> result;
        private long granted;

        private boolean finished;
        private long deadlineTimer = -1;
        private long idleTimer = -1;
        private HttpClientRequest request;
        private Future<AsyncFile> file;
        private long bytes;
        private String diskError;

        Attempt(Endpoint endpoint, String path, Duration expected, Path destination, LongPredicate room,
                CompletableFuture<FetchResult> result) {
            this.endpoint = endpoint;
            this.path = path;
            this.expected = expected;
            this.destination = destination;
            this.room = room;
            this.result = result;
        }

        void start() {
            Duration deadline = expected.plus(limits.grace());
            deadlineTimer = vertx.setTimer(Math.max(1, deadline.toMillis()), id -> fail("timeout",
                    "no complete response within " + seconds(deadline) + " (" + seconds(expected) + " expected + "
                            + seconds(limits.grace()) + " grace)"));
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setHost(endpoint.host())
                    .setPort(endpoint.port())
                    .setURI(path)
                    .setFollowRedirects(false)
                    .setConnectTimeout(limits.connectTimeout().toMillis())
                    .putHeader("User-Agent", "bolometer-node-agent");
            client.request(options).onComplete(ar -> {
                if (ar.failed()) {
                    fail("connect", connectFailure(ar.cause()));
                    return;
                }
                request = ar.result();
                if (finished) {
                    request.reset();
                    return;
                }
                // connected: from here the server may take the profile's duration before it sends headers
                armIdle(expected.plus(limits.idleTimeout()), "no response headers within ");
                request.send().onComplete(sent -> {
                    if (sent.failed()) {
                        fail("io", "GET " + path + " failed: " + describe(sent.cause()));
                    } else {
                        onResponse(sent.result());
                    }
                });
            });
        }

        private void onResponse(HttpClientResponse response) {
            if (finished) {
                return;
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400) {
                String location = response.getHeader("Location");
                fail("redirect", "redirect not followed: HTTP " + status
                        + (location == null ? "" : " to " + sanitize(Buffer.buffer(location))));
                return;
            }
            response.exceptionHandler(t -> fail("io", "reading the body of " + path + " failed: " + describe(t)));
            if (status != 200) {
                collectSnippet(response);
                return;
            }
            String length = response.getHeader("Content-Length");
            if (length != null && parseLong(length) > limits.maxBytes()) {
                fail("too-large", "Content-Length " + length + " exceeds the limit of "
                        + PprofValidator.humanBytes(limits.maxBytes()));
                return;
            }
            response.pause();
            file = vertx.fileSystem().open(destination.toString(),
                    new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true));
            file.onComplete(opened -> {
                if (opened.failed()) {
                    fail(Failed.DISK, "cannot open " + destination + ": " + describe(opened.cause()));
                } else if (!finished) {
                    streamBody(response, opened.result());
                }
            });
        }

        private void streamBody(HttpClientResponse response, AsyncFile out) {
            String contentType = response.getHeader("Content-Type");
            out.exceptionHandler(t -> fail(Failed.DISK, "writing " + destination + " failed: " + describe(t)));
            response.handler(chunk -> {
                if (finished) {
                    return;
                }
                armIdle(limits.idleTimeout(), "body stalled for ");
                bytes += chunk.length();
                if (bytes > limits.maxBytes()) {
                    fail("too-large", "body exceeds the limit of " + PprofValidator.humanBytes(limits.maxBytes()));
                    return;
                }
                if (bytes > granted) {
                    long more = Math.max(RESERVATION_STEP, bytes - granted);
                    if (!room.test(more)) {
                        fail(FetchResult.Failed.SPOOL_FULL, "the spool has no room for more than "
                                + PprofValidator.humanBytes(granted) + " of this body");
                        return;
                    }
                    granted += more;
                }
                // A failed write (no space left) fails only its own future, not the file's exception handler.
                out.write(chunk).onFailure(t -> {
                    diskError = "writing " + destination + " failed: " + describe(t);
                    fail(Failed.DISK, diskError);
                });
                if (out.writeQueueFull()) {
                    response.pause();
                    out.drainHandler(v -> response.resume());
                }
            });
            response.endHandler(v -> {
                if (finished) {
                    return;
                }
                cancelTimers();
                finished = true;
                out.close().compose(v2 -> vertx.fileSystem().props(destination.toString())).onComplete(closed -> {
                    if (diskError != null) {
                        // a write failed after the last chunk arrived (writes complete before close does)
                        deleteDestination().onComplete(d -> result.complete(new Failed(Failed.DISK, diskError)));
                    } else if (closed.succeeded() && closed.result().size() == bytes) {
                        result.complete(new Fetched(bytes, contentType == null ? "" : contentType));
                    } else if (closed.succeeded()) {
                        // belt and braces: never hand a short file to validation as if the pod had sent it
                        deleteDestination().onComplete(d -> result.complete(new Failed(Failed.DISK, "writing "
                                + destination + " failed: only " + closed.result().size() + " of " + bytes
                                + " bytes reached the disk")));
                    } else {
                        deleteDestination().onComplete(d -> result.complete(
                                new Failed(Failed.DISK, "closing " + destination + " failed: " + describe(closed.cause()))));
                    }
                });
            });
            response.resume();
        }

        private void collectSnippet(HttpClientResponse response) {
            Buffer snippet = Buffer.buffer();
            response.handler(chunk -> {
                if (finished) {
                    return;
                }
                armIdle(limits.idleTimeout(), "body stalled for ");
                int room = SNIPPET_READ_BYTES - snippet.length();
                snippet.appendBuffer(chunk, 0, Math.min(room, chunk.length()));
                if (snippet.length() >= SNIPPET_READ_BYTES) {
                    finish(new HttpStatus(response.statusCode(), sanitize(snippet)));
                }
            });
            response.endHandler(v -> finish(new HttpStatus(response.statusCode(), sanitize(snippet))));
        }

        private void armIdle(Duration timeout, String what) {
            if (idleTimer >= 0) {
                vertx.cancelTimer(idleTimer);
            }
            idleTimer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> fail("timeout", what + seconds(timeout)));
        }

        private void fail(String kind, String message) {
            finish(new Failed(kind, message));
        }

        /** Ends the attempt once: stops timers, drops the connection if the response is unfinished, removes the file. */
        private void finish(FetchResult outcome) {
            if (finished) {
                return;
            }
            finished = true;
            cancelTimers();
            if (request != null) {
                request.reset();
            }
            if (file == null) {
                result.complete(outcome);
                return;
            }
            file.transform(opened -> opened.succeeded() ? opened.result().close().transform(c -> deleteDestination())
                            : Future.succeededFuture())
                    .onComplete(done -> result.complete(outcome));
        }

        private Future<Void> deleteDestination() {
            return vertx.fileSystem().delete(destination.toString()).recover(t -> Future.succeededFuture());
        }

        private void cancelTimers() {
            vertx.cancelTimer(deadlineTimer);
            if (idleTimer >= 0) {
                vertx.cancelTimer(idleTimer);
            }
        }

        private String connectFailure(Throwable cause) {
            String target = endpoint.host() + ":" + endpoint.port();
            if (cause instanceof ConnectTimeoutException) {
                return "connecting to " + target + " timed out after " + seconds(limits.connectTimeout());
            }
            if (cause instanceof ConnectException) {
                return "connection to " + target + " refused";
            }
            return "cannot connect to " + target + ": " + describe(cause);
        }
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static String seconds(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : String.format(Locale.ROOT, "%.3fs", millis / 1000.0)
                .replaceAll("0+s$", "s");
    }
}
