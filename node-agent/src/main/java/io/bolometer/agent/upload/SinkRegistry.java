package io.bolometer.agent.upload;

import io.bolometer.agent.store.StoreLocation;
import io.bolometer.agent.store.StoredProfile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Hands out one sink per distinct store location, creating it on first use; S3 sinks of the same region, endpoint
 * and addressing style share one CRT client (it pools connections and native threads), and closing closes all.
 *
 * <p>Native clients are bounded: at most {@value #MAX_CLIENTS} at once, and a client no sink used for
 * {@link #IDLE} is closed with its sinks (a store a config stopped using, or a tenant's stream of made-up regions),
 * so they can't pile up for the life of the agent. An upload takes far less than {@link #IDLE}.
 *
 * <p>A client whose uploads keep failing without any answer from the store (refused, DNS, timeout) —
 * {@value #NO_ANSWER_FAILURES} in a row over at least {@link #NO_ANSWER_SPAN} — is replaced by a fresh one: a CRT
 * client that lived through an outage of its store was seen to stay broken after the store came back ("A
 * nonrecoverable failure when query to dns occurred" for an IP-literal endpoint, or hangs), while a new one worked at
 * once. An answer from the store (any HTTP status) ends the streak.
 */
public final class SinkRegistry implements Function<StoreLocation, ProfileSink>, AutoCloseable {

    /** Native S3 clients alive at once at most; a store beyond it fails its uploads until one goes idle. */
    public static final int MAX_CLIENTS = 32;
    /** A client unused this long is closed with its sinks. */
    public static final Duration IDLE = Duration.ofMinutes(10);
    /** Uploads failed in a row without an answer from the store before its client is replaced ... */
    public static final int NO_ANSWER_FAILURES = 3;
    /** ... and at least this long after the first of them. */
    public static final Duration NO_ANSWER_SPAN = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(SinkRegistry.class);

    /** What makes two S3 locations able to share a client: everything but the bucket. */
    record ClientKey(String region, String endpoint, boolean forcePathStyle) {
    }

    /** Creates the native client of a key (tests pass a fake). */
    @FunctionalInterface
    interface ClientFactory {
        S3AsyncClient create(ClientKey key, AwsCredentialsProvider credentials);
    }

    private static final class Client {
        final S3AsyncClient client;
        Instant lastUsed;
        final List<StoreLocation> locations = new ArrayList<>();
        int failuresWithoutAnswer;
        Instant firstFailureWithoutAnswer;

        Client(S3AsyncClient client, Instant lastUsed) {
            this.client = client;
            this.lastUsed = lastUsed;
        }
    }

    private final AwsCredentialsProvider credentials;
    private final boolean ownsCredentials;
    private final Clock clock;
    private final ClientFactory factory;
    private final Executor closer;
    private final Map<StoreLocation, ProfileSink> sinks = new HashMap<>();
    private final Map<ClientKey, Client> clients = new HashMap<>();
    private int created;
    private boolean closed;

    /** A registry whose S3 sinks take credentials from the AWS default chain. */
    public SinkRegistry() {
        this(DefaultCredentialsProvider.builder().build(), true, Clock.systemUTC(), SinkRegistry::newClient,
                SinkRegistry::closeOnOwnThread);
    }

    /** A registry whose S3 sinks use {@code credentials}; the caller keeps ownership of the provider. */
    public SinkRegistry(AwsCredentialsProvider credentials) {
        this(credentials, false, Clock.systemUTC(), SinkRegistry::newClient, SinkRegistry::closeOnOwnThread);
    }

    /** @param closer runs the closing of a replaced client (tests pass {@code Runnable::run}) */
    SinkRegistry(AwsCredentialsProvider credentials, boolean ownsCredentials, Clock clock, ClientFactory factory,
                 Executor closer) {
        this.credentials = credentials;
        this.ownsCredentials = ownsCredentials;
        this.clock = clock;
        this.factory = factory;
        this.closer = closer;
    }

    /** A replaced client is closed on a thread of its own: the upload that ended its streak may run on its thread. */
    private static void closeOnOwnThread(Runnable close) {
        Thread thread = new Thread(close, "bolometer-s3-client-close");
        thread.setDaemon(true);
        thread.start();
    }

    private static S3AsyncClient newClient(ClientKey key, AwsCredentialsProvider credentials) {
        return S3ProfileSink.newClient(key.region(), key.endpoint(), key.forcePathStyle(), credentials);
    }

    /**
     * The sink for {@code location}; the registry owns it, so callers must not close it.
     *
     * @throws IllegalStateException when {@value #MAX_CLIENTS} clients are in use (the upload fails and is retried)
     */
    @Override
    public synchronized ProfileSink apply(StoreLocation location) {
        if (closed) {
            throw new IllegalStateException("Sink registry is closed");
        }
        Instant now = clock.instant();
        closeIdle(now);
        ProfileSink sink = sinks.get(location);
        if (sink == null) {
            sink = create(location, now);
            sinks.put(location, sink);
            LOG.info("Storing profiles in {}", sink.describe());
        }
        if (location instanceof StoreLocation.S3 s3) {
            clients.get(key(s3)).lastUsed = now;
        }
        return sink;
    }

    /** Number of S3 clients created so far (one per region, endpoint and addressing style while in use). */
    public synchronized int s3ClientCount() {
        return created;
    }

    /** Number of S3 clients open now. */
    public synchronized int openS3Clients() {
        return clients.size();
    }

    private ProfileSink create(StoreLocation location, Instant now) {
        if (location instanceof StoreLocation.S3 s3) {
            ClientKey key = key(s3);
            Client client = clients.get(key);
            if (client == null) {
                if (clients.size() >= MAX_CLIENTS) {
                    throw new IllegalStateException("Not opening an S3 client for " + location + ": " + MAX_CLIENTS
                            + " are in use (one per region, endpoint and addressing style)");
                }
                client = new Client(factory.create(key, credentials), now);
                clients.put(key, client);
                created++;
            }
            client.locations.add(location);
            return new ObservedSink(new S3ProfileSink(s3, client.client), s3, client.client);
        }
        if (location instanceof StoreLocation.Directory directory) {
            return new DirectoryProfileSink(Path.of(directory.path()));
        }
        throw new IllegalArgumentException("Unknown store location " + location);
    }

    private void closeIdle(Instant now) {
        clients.entrySet().removeIf(entry -> {
            Client client = entry.getValue();
            if (Duration.between(client.lastUsed, now).compareTo(IDLE) < 0) {
                return false;
            }
            client.locations.forEach(location -> {
                ProfileSink sink = sinks.remove(location);
                if (sink != null) {
                    sink.close();
                }
            });
            client.client.close();
            LOG.info("Closed the S3 client for {} (region {}): unused for {} minutes", entry.getKey().endpoint() == null
                    ? "AWS" : entry.getKey().endpoint(), entry.getKey().region(), IDLE.toMinutes());
            return true;
        });
    }

    /**
     * Counts how an upload through the client of {@code location} ended; replaces the client after a streak of
     * failures without an answer (see the class comment). The old client is closed on its own thread: this runs on
     * whatever thread completed the upload, which may be the client's own.
     */
    synchronized void observed(StoreLocation.S3 location, Throwable error) {
        Client current = clients.get(key(location));
        if (current != null) {
            observed(location, error, current.client);
        }
    }

    /**
     * As above, for an upload made through {@code via}: an upload still in flight on a client that was replaced (or
     * closed idle) says nothing about the client that serves its store now, so it is not counted.
     */
    synchronized void observed(StoreLocation.S3 location, Throwable error, S3AsyncClient via) {
        Client client = clients.get(key(location));
        if (client == null || client.client != via || closed) {
            return;
        }
        if (error == null || answered(error)) {
            client.failuresWithoutAnswer = 0;
            client.firstFailureWithoutAnswer = null;
            return;
        }
        Instant now = clock.instant();
        if (client.failuresWithoutAnswer++ == 0) {
            client.firstFailureWithoutAnswer = now;
        }
        if (client.failuresWithoutAnswer < NO_ANSWER_FAILURES
                || Duration.between(client.firstFailureWithoutAnswer, now).compareTo(NO_ANSWER_SPAN) < 0) {
            return;
        }
        ClientKey key = key(location);
        clients.remove(key);
        List<ProfileSink> retired = new ArrayList<>();
        client.locations.forEach(stale -> {
            ProfileSink sink = sinks.remove(stale);
            if (sink != null) {
                retired.add(sink);
            }
        });
        LOG.warn("Replacing the S3 client for {} (region {}): {} uploads in a row got no answer from the store over {}"
                        + " s, last: {}", key.endpoint() == null ? "AWS" : key.endpoint(), key.region(),
                client.failuresWithoutAnswer, Duration.between(client.firstFailureWithoutAnswer, now).toSeconds(),
                UploadFailureLog.describe(error));
        closer.execute(() -> {
            retired.forEach(ProfileSink::close);
            client.client.close();
        });
    }

    /** Whether the store answered (an HTTP status), as opposed to a refused connection, a DNS failure or a timeout. */
    static boolean answered(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SdkServiceException service && service.statusCode() > 0) {
                return true;
            }
            if (cause instanceof S3ProfileSink.KeyTakenException) {
                return true;
            }
        }
        return false;
    }

    /** Reports how each store ended to the registry, returning the very future it was given (timeouts included). */
    private final class ObservedSink implements ProfileSink {
        private final ProfileSink delegate;
        private final StoreLocation.S3 location;
        private final S3AsyncClient via;

        ObservedSink(ProfileSink delegate, StoreLocation.S3 location, S3AsyncClient via) {
            this.delegate = delegate;
            this.location = location;
            this.via = via;
        }

        @Override
        public CompletableFuture<String> store(StoredProfile profile) {
            CompletableFuture<String> stored = delegate.store(profile);
            // The same future goes back: the uploader's orTimeout completes it, so a hang is observed too.
            stored.whenComplete((done, error) -> observed(location, error, via));
            return stored;
        }

        @Override
        public CompletableFuture<Void> abortUnfinished(StoredProfile profile) {
            return delegate.abortUnfinished(profile);
        }

        @Override
        public String describe() {
            return delegate.describe();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private static ClientKey key(StoreLocation.S3 s3) {
        return new ClientKey(s3.region(), s3.endpoint(), s3.forcePathStyle());
    }

    /** Closes every sink, then the shared clients. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sinks.values().forEach(ProfileSink::close);
        clients.values().forEach(client -> client.client.close());
        if (ownsCredentials && credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
        sinks.clear();
        clients.clear();
    }
}
