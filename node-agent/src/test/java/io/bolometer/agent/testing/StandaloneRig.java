package io.bolometer.agent.testing;

import io.bolometer.agent.AgentRuntime;
import io.bolometer.agent.standalone.StandaloneAgent;
import io.vertx.core.Vertx;
import java.io.IOException;
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
