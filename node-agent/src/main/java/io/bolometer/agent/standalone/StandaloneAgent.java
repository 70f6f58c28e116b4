package io.bolometer.agent.standalone;

import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.agent.capture.FetchLimits;
import io.bolometer.agent.runtime.ProfileCollector;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.targets.TargetSettings;
import io.bolometer.agent.targets.ResourceLimits;
import io.bolometer.agent.upload.SinkRegistry;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.PodAnnotations;
import io.bolometer.model.ServiceNames;
import io.bolometer.model.v1alpha1.S3Config;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standalone mode: profiles local processes named in a file, without a cluster, into a directory or a bucket.
 * The same runtime as in a cluster; the file replaces the assignment and {@code /proc} replaces the kubelet.
 */
public final class StandaloneAgent {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneAgent.class);
    private static final String CONFIG_ID = "standalone";

    private StandaloneAgent() {
    }

    public static AgentRuntime start(Vertx vertx, Path configFile, Path procRoot, Clock clock) throws IOException {
        StandaloneConfig config = StandaloneConfig.read(configFile);
        Path base = configFile.toAbsolutePath().getParent();
        StoreLocation store = storeLocation(config, base);
        String prefix = config.store().s3() != null
                ? (config.store().s3().prefix() == null ? S3Config.DEFAULT_PREFIX : config.store().s3().prefix())
                : "";
        Path spoolDir = spoolDir(config, base);
        List<ProfilingTarget> targets = targets(config, store, prefix);
        Map<PodRef, Long> pids = new HashMap<>();
        for (ProfilingTarget target : targets) {
            if (target.pid() > 0) {
                pids.put(target.pod(), target.pid());
            }
        }
        LOG.info("Standalone mode: {} targets from {}, storing to {}, spool {}", targets.size(), configFile, store,
                spoolDir);
        AgentRuntime runtime = AgentRuntime.start(vertx,
                new AgentRuntime.Settings(spoolDir, config.spoolMaxBytesOrDefault(), "127.0.0.1",
                        config.metricsPortOrDefault(), config.healthPortOrDefault(), FetchLimits.defaults()),
                new ProcUsageSource(procRoot, pids, clock), new SinkRegistry(), ProfileCollector.CaptureListener.NONE,
                clock);
        runtime.apply(targets);
        return runtime;
    }

    static StoreLocation storeLocation(StandaloneConfig config, Path base) {
        if (config.store().directory() != null) {
            return new StoreLocation.Directory(base.resolve(config.store().directory()).normalize().toString());
        }
        StandaloneConfig.S3 s3 = config.store().s3();
        return new StoreLocation.S3(s3.bucket(), s3.region() == null ? "us-east-1" : s3.region(), s3.endpoint(),
                Boolean.TRUE.equals(s3.forcePathStyle()), s3.expectedBucketOwner());
    }

    static Path spoolDir(StandaloneConfig config, Path base) {
        if (config.spool() != null) {
            return base.resolve(config.spool()).normalize();
        }
        if (config.store().directory() != null) {
            Path storeDir = base.resolve(config.store().directory()).normalize();
            Path parent = storeDir.getParent() == null ? base : storeDir.getParent();
            return parent.resolve("spool");
        }
        return base.resolve("spool");
    }

    static List<ProfilingTarget> targets(StandaloneConfig config, StoreLocation store, String prefix) {
        TargetSettings settings = TargetSettings.from(config.configOrDefault());
        List<ProfilingTarget> targets = new ArrayList<>();
        for (StandaloneConfig.Target t : config.targets()) {
            Map<String, String> labels = t.labels() == null ? Map.of() : t.labels();
            String namespace = t.namespace() == null ? "local" : t.namespace();
            String service = t.service() != null ? t.service() : ServiceNames.derive(labels, null, t.name());
            ResourceLimits limits = t.pid() == null || t.pid() <= 0
                    ? ResourceLimits.configured(0, 0)
                    : ResourceLimits.configured(t.cpuLimitCores() == null ? 0 : t.cpuLimitCores(),
                            t.memoryLimitBytes() == null ? 0 : t.memoryLimitBytes());
            targets.add(new ProfilingTarget(CONFIG_ID, new PodRef(namespace, t.name()), "localhost",
                    URI.create(t.url()), t.path() == null ? PodAnnotations.DEFAULT_PATH : t.path(), service, labels,
                    limits, settings, store, prefix, t.pid() == null ? 0 : t.pid(), null));
        }
        return targets;
    }
}
