package io.bolometer.testing;

import com.adobe.testing.s3mock.S3MockApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * An embedded S3 (s3mock 5.2.0) for {@code *IT}s: started once per JVM on first use and bound to 127.0.0.1 only,
 * with a ready-made client for reading objects back.
 *
 * <p>There is no stop/restart: a restart is a new Spring context (6–10 s) and its store would have to be carried
 * over. To make S3 unavailable, put a {@link ToggleableProxy} in front of {@link #port()} and point the code under
 * test at the proxy: refusing there gives the same "connection refused" in milliseconds, and the objects stay.
 */
public final class S3TestServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(S3TestServer.class);
    /** Dummy credentials: s3mock accepts any signature. */
    public static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test-access-key", "test-secret-key"));
    public static final String REGION = "us-east-1";

    private static S3TestServer shared;

    /**
     * The credentials this server accepts, for code that uses the AWS default credential chain (the agent does):
     * system properties are its first link.
     */
    public static void useTestCredentials() {
        System.setProperty("aws.accessKeyId", "test-access-key");
        System.setProperty("aws.secretAccessKey", "test-secret-key");
    }

    private final S3MockApplication app;
    private final Path root;
    private final int port;
    private final S3Client client;
    private final Duration startup;
    private boolean closed;

    private S3TestServer(S3MockApplication app, Path root, Duration startup) {
        this.app = app;
        this.root = root;
        this.port = app.getHttpPort();
        this.startup = startup;
        this.client = S3Client.builder()
                .httpClientBuilder(AwsCrtHttpClient.builder())
                .region(Region.of(REGION))
                .credentialsProvider(CREDENTIALS)
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .build();
    }

    /** The JVM's one server, started on first call (6–10 s on two cores) and stopped when the JVM exits. */
    public static synchronized S3TestServer shared() {
        if (shared == null || shared.closed) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "s3-test-server-stop"));
        }
        return shared;
    }

    private static S3TestServer start() {
        long begin = System.nanoTime();
        Path root;
        try {
            root = Files.createTempDirectory("s3mock-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // start() removes "silent" from the map it is given, so it must be mutable.
        S3MockApplication app = S3MockApplication.start(new HashMap<>(Map.of(
                S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT,
                S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT,
                S3MockApplication.PROP_SILENT, true,
                "server.address", LoopbackConnectors.LOOPBACK,
                "spring.main.sources", LoopbackConnectors.class.getName(),
                "com.adobe.testing.s3mock.store.root", root.toString(),
                "com.adobe.testing.s3mock.store.retain-files-on-exit", false)));
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        S3TestServer server = new S3TestServer(app, root, took);
        // s3mock's silent mode turns the JVM's root log level to WARN, so this goes to stderr (the test's output file).
        System.err.printf("Started s3mock at %s in %d ms%n", server.endpoint(), took.toMillis());
        return server;
    }

    /** The plain-HTTP endpoint, on 127.0.0.1. */
    public URI endpoint() {
        return URI.create("http://" + LoopbackConnectors.LOOPBACK + ":" + port);
    }

    /** The plain-HTTP port. */
    public int port() {
        return port;
    }

    /** How long s3mock took to start. */
    public Duration startup() {
        return startup;
    }

    /** Creates the bucket unless it exists. */
    /** Creates a bucket of its own for one test, {@code <prefix>-<nanos>}, and returns its name. */
    public String newBucket(String prefix) {
        String bucket = prefix + "-" + System.nanoTime();
        createBucket(bucket);
        return bucket;
    }

    public void createBucket(String bucket) {
        try {
            client.createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
            // already there: tests may share buckets across classes
        }
    }

    /** A synchronous client on the server for reading back objects, metadata and tags; do not close it. */
    public S3Client client() {
        return client;
    }

    /** The object's bytes and response (metadata, content type). */
    public ResponseBytes<GetObjectResponse> getObject(String bucket, String key) {
        return client.getObjectAsBytes(b -> b.bucket(bucket).key(key));
    }

    /** Stops the server and its client; {@link #shared()} starts a new one afterwards. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.close();
        app.stop();
        LOG.info("Stopped s3mock (store {})", root);
    }
}
