package io.bolometer.agent.cluster;

import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.agent.capture.FetchLimits;
import io.bolometer.agent.kubelet.KubeletSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The cluster-mode process settings, read from the environment variables named in the architecture's contract,
 * each with its default.
 *
 * @param nodeName {@code NODE_NAME}, required: the only {@code ProfilingAssignment} this agent watches
 * @param hostIp {@code HOST_IP}, the node's IP (the default kubelet address); may be null when {@code KUBELET_URL}
 *     is set
 * @param statusInterval least time between two status writes ({@value #STATUS_INTERVAL_SECONDS} s, not an
 *     environment setting: the contract fixes it)
 * @param endpoints {@code POD_NAMESPACE} and {@code ALLOWED_S3_ENDPOINTS}, the allow-list checked again here
 */
public record ClusterSettings(String nodeName, String hostIp, KubeletSettings kubelet, Path spoolDir,
                              long spoolMaxBytes, String bindHost, int metricsPort, int healthPort,
                              Duration statusInterval, EndpointPolicy endpoints) {

    /** Settings that check no endpoint allow-list (tests that build settings in code). */
    public ClusterSettings(String nodeName, String hostIp, KubeletSettings kubelet, Path spoolDir, long spoolMaxBytes,
                           String bindHost, int metricsPort, int healthPort, Duration statusInterval) {
        this(nodeName, hostIp, kubelet, spoolDir, spoolMaxBytes, bindHost, metricsPort, healthPort, statusInterval,
                EndpointPolicy.NONE);
    }

    public static final Path DEFAULT_SPOOL_DIR = Path.of("/var/lib/bolometer/spool");
    public static final long DEFAULT_SPOOL_MAX_BYTES = 512L * 1024 * 1024;
    public static final int DEFAULT_METRICS_PORT = 8080;
    public static final int DEFAULT_HEALTH_PORT = 8081;
    public static final long STATUS_INTERVAL_SECONDS = 10;

    /**
     * Reads {@code NODE_NAME}, {@code HOST_IP}, {@code KUBELET_*}, {@code SPOOL_DIR}, {@code SPOOL_MAX_BYTES},
     * {@code METRICS_PORT} and {@code HEALTH_PORT}; blank values count as unset.
     *
     * @throws IllegalArgumentException naming the variable when one is missing or malformed
     */
    public static ClusterSettings fromEnvironment(Map<String, String> env) {
        String nodeName = value(env, "NODE_NAME");
        if (nodeName == null) {
            throw new IllegalArgumentException("NODE_NAME is required in cluster mode: set it from the downward API "
                    + "(fieldRef spec.nodeName) so the agent watches its own node's ProfilingAssignment");
        }
        String spoolDir = value(env, "SPOOL_DIR");
        return new ClusterSettings(nodeName, value(env, "HOST_IP"), KubeletSettings.fromEnvironment(env),
                spoolDir == null ? DEFAULT_SPOOL_DIR : Path.of(spoolDir),
                number(env, "SPOOL_MAX_BYTES", DEFAULT_SPOOL_MAX_BYTES, 1, Long.MAX_VALUE),
                "0.0.0.0",
                (int) number(env, "METRICS_PORT", DEFAULT_METRICS_PORT, 0, 65535),
                (int) number(env, "HEALTH_PORT", DEFAULT_HEALTH_PORT, 0, 65535),
                Duration.ofSeconds(STATUS_INTERVAL_SECONDS),
                new EndpointPolicy(value(env, "POD_NAMESPACE"), env.containsKey("ALLOWED_S3_ENDPOINTS")
                        ? java.util.Arrays.stream(env.get("ALLOWED_S3_ENDPOINTS").split(",")).map(String::trim)
                                .filter(e -> !e.isEmpty()).toList()
                        : null));
    }

    /** The same settings with another status interval (tests use a short one). */
    public ClusterSettings withStatusInterval(Duration interval) {
        return new ClusterSettings(nodeName, hostIp, kubelet, spoolDir, spoolMaxBytes, bindHost, metricsPort,
                healthPort, interval, endpoints);
    }

    /** What the shared runtime needs of these settings. */
    public AgentRuntime.Settings runtime() {
        return new AgentRuntime.Settings(spoolDir, spoolMaxBytes, bindHost, metricsPort, healthPort,
                FetchLimits.defaults());
    }

    /** Logs every setting once; file paths only, never a token's value. */
    public void log(Logger log) {
        log.info("Cluster mode on node {}: NODE_NAME={} HOST_IP={} KUBELET_URL={} KUBELET_TOKEN_FILE={} "
                        + "KUBELET_CA_FILE={} KUBELET_INSECURE_SKIP_VERIFY={} SPOOL_DIR={} SPOOL_MAX_BYTES={} "
                        + "METRICS_PORT={} HEALTH_PORT={} (bound to {}) POD_NAMESPACE={} ALLOWED_S3_ENDPOINTS={}", nodeName,
                nodeName, hostIp == null ? "(unset)" : hostIp, kubelet.url(), kubelet.tokenFile(), kubelet.caFile(),
                kubelet.insecureSkipVerify(), spoolDir, spoolMaxBytes, metricsPort, healthPort, bindHost,
                endpoints.ownNamespace() == null ? "(unset)" : endpoints.ownNamespace(),
                endpoints.allowed() == null ? "(unset: not checked)" : endpoints.allowed());
    }

    private static long number(Map<String, String> env, String key, long fallback, long min, long max) {
        String text = value(env, key);
        if (text == null) {
            return fallback;
        }
        long parsed;
        try {
            parsed = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was " + text, e);
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + text);
        }
        return parsed;
    }

    private static String value(Map<String, String> env, String key) {
        String text = env.get(key);
        return text == null || text.isBlank() ? null : text.trim();
    }
}
