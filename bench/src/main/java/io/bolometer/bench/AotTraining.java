package io.bolometer.bench;

import io.bolometer.testing.FakeKubelet;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's ahead-of-time cache (JDK 25, JEPs 483/514/515: classes loaded and linked, method profiles) made by
 * one training run of the packaged agent in cluster mode against the bench's fake cluster: it starts, watches its
 * assignment, applies every pod, captures every pod once (fetch, validate, spool, summarise, S3 upload), checks
 * every pod, then gets SIGTERM; the JVM writes the cache as it exits ({@code -XX:AOTCacheOutput}). The same run
 * serves {@code make bench}'s AOT variants and the image build ({@link AotTrainingMain}).
 */
public final class AotTraining {
    /** The assembly phase after the training run (a child JVM that writes the cache) takes tens of seconds. */
    private static final Duration EXIT_PATIENCE = Duration.ofMinutes(4);

    /** What a training run talks to: the bench's parts, already started. */
    public record Rig(BenchCluster cluster, PodFleet fleet, URI s3Endpoint, Path kubeconfig, Path kubeletToken,
                      int checkSeconds, Path workDir) {
    }

    private AotTraining() {
    }

    /**
     * The variant's flags with its {@code -XX:AOTCache=} replaced by {@code -XX:AOTCacheOutput=cache}: the JVM of
     * the training run is the one the cache is for (same JDK, same jar, same flags).
     */
    public static List<String> trainingFlags(List<String> variant, Path cache) {
        List<String> flags = new ArrayList<>();
        for (String flag : variant) {
            flags.add(flag.startsWith(AgentFlags.AOT_CACHE) ? "-XX:AOTCacheOutput=" + cache : flag);
        }
        if (!flags.contains("-XX:AOTCacheOutput=" + cache)) {
            flags.add("-XX:AOTCacheOutput=" + cache);
        }
        return flags;
    }

    /** The variant's flags pointing at {@code cache} instead of the image's path. */
    public static List<String> usingCache(List<String> variant, Path cache) {
        return variant.stream().map(flag -> flag.startsWith(AgentFlags.AOT_CACHE) ? AgentFlags.AOT_CACHE + cache
                : flag).toList();
    }

    /**
     * Runs the training and returns the cache; fails when the agent does not get through its start, one capture
     * of every pod and one check of every pod, or when no cache is written.
     */
    public static Path train(Path jar, List<String> variant, Path cache, FakeKubelet kubelet, String node, Rig rig)
            throws IOException, InterruptedException {
        Files.deleteIfExists(cache);
        Files.createDirectories(cache.toAbsolutePath().getParent());
        int pods = rig.fleet().count();
        rig.cluster().assign(node, rig.fleet(), rig.checkSeconds(), rig.s3Endpoint());
        long started = System.nanoTime();
        AgentProcess agent = AgentProcess.start(jar, new AgentProcess.Launch("training-" + node,
                trainingFlags(variant, cache), node, kubelet.uri(), rig.kubeletToken(), kubelet.caCertPath(),
                rig.kubeconfig(), rig.workDir()).withFreshSpool());
        try {
            agent.awaitTargets(pods, Duration.ofSeconds(180));
            rig.cluster().requestCaptures(node, i -> "training-" + i);
            agent.awaitMetricAtLeast("profiling_uploads_total", 0.9 * pods * BenchCluster.TYPES.size(),
                    Duration.ofSeconds(180));
            agent.awaitMetricAtLeast("profiling_threshold_checks_total", pods,
                    Duration.ofSeconds(3L * rig.checkSeconds() + 60));
        } catch (RuntimeException | InterruptedException e) {
            agent.close();
            throw e;
        }
        int exit = agent.close(EXIT_PATIENCE);
        if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
            throw new IOException("the training run (exit " + exit + ") wrote no AOT cache at " + cache
                    + "; see its log in " + rig.workDir());
        }
        BenchMain.log("AOT cache %s: %.1f MiB from a %.0f s training run", cache, Files.size(cache) / 1048576.0,
                (System.nanoTime() - started) / 1e9);
        return cache;
    }
}
