package io.bolometer.agent.upload;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Hands out one sink per distinct store location, creating it on first use; S3 sinks of the same region, endpoint
 * and addressing style share one CRT client (it pools connections and native threads), and closing closes all.
 *
 * <p>Native clients are bounded: at most {@value #MAX_CLIENTS} at once, and a client no sink used for
 * {@link #IDLE} is closed with its sinks (a store a config stopped using, or a tenant's stream of made-up regions),
 * so they can't pile up for the life of the agent. An upload takes far less than {@link #IDLE}.
 */
public final class SinkRegistry implements Function<StoreLocation, ProfileSink>, AutoCloseable {

    /** Native S3 clients alive at once at most; a store beyond it fails its uploads until one goes idle. */
    public static final int MAX_CLIENTS = 32;
    /** A client unused this long is closed with its sinks. */
    public static final Duration IDLE = Duration.ofMinutes(10);
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

        Client(S3AsyncClient client, Instant lastUsed) {
            this.client = client;
            this.lastUsed = lastUsed;
        }
    }

    private final AwsCredentialsProvider credentials;
    private final boolean ownsCredentials;
    private final Clock clock;
    private final ClientFactory factory;
    private final Map<StoreLocation, ProfileSink> sinks = new HashMap<>();
    private final Map<ClientKey, Client> clients = new HashMap<>();
    private int created;
    private boolean closed;

    /** A registry whose S3 sinks take credentials from the AWS default chain. */
    public SinkRegistry() {
        this(DefaultCredentialsProvider.builder().build(), true, Clock.systemUTC(), SinkRegistry::newClient);
    }

    /** A registry whose S3 sinks use {@code credentials}; the caller keeps ownership of the provider. */
    public SinkRegistry(AwsCredentialsProvider credentials) {
        this(credentials, false, Clock.systemUTC(), SinkRegistry::newClient);
    }

    SinkRegistry(AwsCredentialsProvider credentials, boolean ownsCredentials, Clock clock, ClientFactory factory) {
        this.credentials = credentials;
        this.ownsCredentials = ownsCredentials;
        this.clock = clock;
        this.factory = factory;
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
            return new S3ProfileSink(s3, client.client);
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
