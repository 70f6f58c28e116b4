package io.bolometer.agent.targets;

import io.bolometer.agent.trigger.ResourceLimits;
import io.bolometer.agent.upload.StoreLocation;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * One pod to profile under one config: where its pprof server is, what it is measured against, how the config
 * wants it profiled and where its profiles go. Cluster mode builds these from a {@code ProfilingAssignment};
 * standalone mode from its config file.
 *
 * @param configId {@code namespace/name} of the config (standalone: {@code standalone})
 * @param baseUrl {@code http://<pod IP>:<port>}, the only origin the agent fetches from for this pod
 * @param pprofPath pprof root, e.g. {@code /debug/pprof}
 * @param pid standalone only: the process sampled through {@code /proc}, or 0
 * @param captureToken the pod's {@code profiling.io/capture} value when it still needs a capture, else null: a
 *     {@code requested} capture runs when a target first shows a token or its token changes, so cluster mode
 *     passes only tokens not yet handled (by this agent or, per the assignment status, a previous run)
 */
public record ProfilingTarget(String configId, PodRef pod, String node, URI baseUrl, String pprofPath,
                              String service, Map<String, String> labels, ResourceLimits limits,
                              TargetSettings settings, StoreLocation store, String prefix, long pid,
                              String captureToken) {

    public ProfilingTarget {
        Objects.requireNonNull(configId, "configId");
        Objects.requireNonNull(pod, "pod");
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (!"http".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("pprof base URL must be http://<pod IP>:<port>, got " + baseUrl);
        }
        labels = Map.copyOf(labels);
    }

    /** Identity of the (config, pod) pair: cooldowns and periodic phases are kept per key. */
    public String key() {
        return configId + "|" + pod;
    }
}
