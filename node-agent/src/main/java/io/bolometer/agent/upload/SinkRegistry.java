package io.bolometer.agent.upload;

import java.nio.file.Path;
import java.util.HashMap;
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
 */
public final class SinkRegistry implements Function<StoreLocation, ProfileSink>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkRegistry.class);

    /** What makes two S3 locations able to share a client: everything but the bucket. */
    private record ClientKey(String region, String endpoint, boolean forcePathStyle) {
    }

    private final AwsCredentialsProvider credentials;
    private final boolean ownsCredentials;
    private final Map<StoreLocation, ProfileSink> sinks = new HashMap<>();
    private final Map<ClientKey, S3AsyncClient> clients = new HashMap<>();
    private boolean closed;

    /** A registry whose S3 sinks take credentials from the AWS default chain. */
    public SinkRegistry() {
        this(DefaultCredentialsProvider.builder().build(), true);
    }

    /** A registry whose S3 sinks use {@code credentials}; the caller keeps ownership of the provider. */
    public SinkRegistry(AwsCredentialsProvider credentials) {
        this(credentials, false);
    }

    private SinkRegistry(AwsCredentialsProvider credentials, boolean ownsCredentials) {
        this.credentials = credentials;
        this.ownsCredentials = ownsCredentials;
    }

    /** The sink for {@code location}; the registry owns it, so callers must not close it. */
    @Override
    public synchronized ProfileSink apply(StoreLocation location) {
        if (closed) {
            throw new IllegalStateException("Sink registry is closed");
        }
        return sinks.computeIfAbsent(location, this::create);
    }

    /** Number of S3 clients created so far (one per region, endpoint and addressing style). */
    public synchronized int s3ClientCount() {
        return clients.size();
    }

    private ProfileSink create(StoreLocation location) {
        ProfileSink sink;
        if (location instanceof StoreLocation.S3 s3) {
            ClientKey key = new ClientKey(s3.region(), s3.endpoint(), s3.forcePathStyle());
            S3AsyncClient client = clients.computeIfAbsent(key,
                    k -> S3ProfileSink.newClient(k.region(), k.endpoint(), k.forcePathStyle(), credentials));
            sink = new S3ProfileSink(s3, client);
        } else if (location instanceof StoreLocation.Directory directory) {
            sink = new DirectoryProfileSink(Path.of(directory.path()));
        } else {
            throw new IllegalArgumentException("Unknown store location " + location);
        }
        LOG.info("Storing profiles in {}", sink.describe());
        return sink;
    }

    /** Closes every sink, then the shared clients. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sinks.values().forEach(ProfileSink::close);
        clients.values().forEach(S3AsyncClient::close);
        if (ownsCredentials && credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
        sinks.clear();
        clients.clear();
    }
}
