package io.bolometer.agent.targets;

import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.ProfileType;
import java.net.URI;
import java.util.List;
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
 * @param captureTypes the types the requested capture takes ({@code profiling.io/capture-types}, those the config
 *     profiles); empty: every type of the config
 */
public record ProfilingTarget(String configId, PodRef pod, String node, URI baseUrl, String pprofPath,
                              String service, Map<String, String> labels, ResourceLimits limits,
                              TargetSettings settings, StoreLocation store, String prefix, long pid,
                              String captureToken, List<ProfileType> captureTypes) {

    /** A target whose requested capture, if any, takes every type of the config. */
    public ProfilingTarget(String configId, PodRef pod, String node, URI baseUrl, String pprofPath, String service,
                           Map<String, String> labels, ResourceLimits limits, TargetSettings settings,
                           StoreLocation store, String prefix, long pid, String captureToken) {
        this(configId, pod, node, baseUrl, pprofPath, service, labels, limits, settings, store, prefix, pid,
                captureToken, List.of());
    }

    public ProfilingTarget {
        Objects.requireNonNull(configId, "configId");
        Objects.requireNonNull(pod, "pod");
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (!"http".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("pprof base URL must be http://<pod IP>:<port>, got " + baseUrl);
        }
        labels = Map.copyOf(labels);
        captureTypes = captureTypes == null ? List.of() : List.copyOf(captureTypes);
    }

    /**
     * The types a capture for {@code requested} (a one-shot annotation) or not takes: the config's, or for a
     * requested capture those of {@link #captureTypes()} the config profiles (possibly none).
     */
    public List<ProfileType> typesFor(boolean requested) {
        List<ProfileType> all = settings.profileTypes();
        return !requested || captureTypes.isEmpty() ? all : all.stream().filter(captureTypes::contains).toList();
    }

    /** Identity of the (config, pod) pair: cooldowns and periodic phases are kept per key. */
    public String key() {
        return configId + "|" + pod;
    }
}
