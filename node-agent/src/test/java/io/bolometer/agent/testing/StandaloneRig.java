package io.bolometer.agent.testing;

import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.agent.standalone.StandaloneAgent;
import io.bolometer.testing.S3TestServer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What the standalone-mode ITs share: the Go sample app on a loopback address and agents started from a YAML
 * config written to {@code <dir>/agent.yaml}, reading {@code /proc}; closing stops them all.
 */
public final class StandaloneRig implements AutoCloseable {
    private final Path dir;
    private final Vertx vertx;
    private final SampleApp app;
    private AgentRuntime agent;

    private StandaloneRig(Path dir, Vertx vertx, SampleApp app) {
        this.dir = dir;
        this.vertx = vertx;
        this.app = app;
    }

    public static StandaloneRig start(Path dir, String appAddress) {
        Vertx vertx = Vertx.vertx();
        try {
            return new StandaloneRig(dir, vertx, SampleApp.start(appAddress));
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    /** The JVM's embedded S3 server, with its credentials set for the agent's default credential chain. */
    public static S3TestServer s3() {
        S3TestServer s3 = S3TestServer.shared();
        S3TestServer.useTestCredentials();
        return s3;
    }

    /** The head of a standalone config storing to {@code bucket} at {@code endpoint}, spool beside, ports picked freely. */
    public static String s3Store(String bucket, URI endpoint) {
        return """
                store:
                  s3: {bucket: %s, prefix: profiles, region: us-east-1, endpoint: '%s', forcePathStyle: true}
                spool: ./spool
                metricsPort: 0
                healthPort: 0
                """.formatted(bucket, endpoint);
    }

    /** The head of a standalone config storing to {@code directory}, spool beside, ports picked freely. */
    public static String directoryStore(String directory) {
        return """
                store: {directory: %s}
                spool: ./spool
                metricsPort: 0
                healthPort: 0
                """.formatted(directory);
    }

    public SampleApp app() {
        return app;
    }

    /** Starts the agent with {@code config} (closing the one started before, if any). */
    public AgentRuntime startAgent(String config) throws IOException {
        if (agent != null) {
            agent.close();
        }
        Path file = Files.writeString(dir.resolve("agent.yaml"), config);
        agent = StandaloneAgent.start(vertx, file, Path.of("/proc"), Clock.systemUTC());
        return agent;
    }

    @Override
    public void close() {
        if (agent != null) {
            agent.close();
        }
        app.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
