package io.bolometer.bench;

import io.bolometer.testing.FakeKubelet;
import io.bolometer.agent.testing.GoToolchain;
import io.bolometer.testing.S3TestServer;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The image build's training run ({@code scripts/build-images.sh}): the agent as the image runs it — the
 * Dockerfile's ENTRYPOINT flags and ENV, the image's own jlinked {@code java} and jar — against the bench's fake
 * cluster (Go pods, fake kubelet, s3mock, mock API server), writing the AOT cache the image ships.
 *
 * <p>Options ({@code --name=value}): {@code java-home} (the image's runtime), {@code jar} (the image's jar),
 * {@code out} (the cache), {@code dockerfile} (node-agent/Dockerfile), {@code pods} (20), {@code work}.
 */
public final class AotTrainingMain {
    private static final String TOKEN = "training-kubelet-token";

    private AotTrainingMain() {
    }

    public static void main(String[] args) {
        try {
            run(BenchMain.parse(args));
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0); // s3mock's Spring context keeps non-daemon threads
    }

    static void run(Map<String, String> o) throws Exception {
        Path root = GoToolchain.repoRoot();
        Path dockerfile = root.resolve(o.getOrDefault("dockerfile", "node-agent/Dockerfile"));
        Path jar = Path.of(required(o, "jar")).toAbsolutePath();
        Path out = Path.of(required(o, "out")).toAbsolutePath();
        Path work = Path.of(o.getOrDefault("work", root.resolve("target/aot-training").toString())).toAbsolutePath();
        int pods = Integer.parseInt(o.getOrDefault("pods", "20"));
        List<String> flags = new ArrayList<>(AgentFlags.dockerfileVariant(Files.readString(dockerfile)));
        flags.removeIf(flag -> flag.startsWith(AgentFlags.JAVA));
        flags.add(0, AgentFlags.JAVA + Path.of(required(o, "java-home")).toAbsolutePath());
        if (AgentFlags.aotCache(flags) == null) {
            throw new IllegalArgumentException(dockerfile + " names no -XX:AOTCache: nothing to train");
        }
        Files.createDirectories(work);
        Vertx vertx = Vertx.vertx();
        S3TestServer s3 = S3TestServer.shared();
        s3.createBucket(BenchCluster.BUCKET);
        try (BenchCluster cluster = BenchCluster.start(vertx);
             PodFleet fleet = PodFleet.start(PodFleet.build(), pods, work.resolve("bench-pods.log"))) {
            UsageModel model = new UsageModel(pods);
            String node = "aot-training";
            try (FakeKubelet kubelet = FakeKubelet.start(vertx, TOKEN).serve(() -> model.summary(node))) {
                AotTraining.Rig rig = new AotTraining.Rig(cluster, fleet, s3.endpoint(),
                        cluster.writeKubeconfig(work), Files.writeString(work.resolve("kubelet-token"), TOKEN), 5,
                        work);
                AotTraining.train(jar, flags, out, kubelet, node, rig);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + "= is required");
        }
        return value;
    }
}
