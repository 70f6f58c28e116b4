package io.bolometer.coordinator;

import io.bolometer.coordinator.kube.LeaderElection;
import io.bolometer.coordinator.planning.PlannerSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/** The coordinator's settings, from environment variables (ARCHITECTURE.md "Process settings"), each with a default. */
public record CoordinatorSettings(String podName, String podNamespace, String leaseName, String bindHost,
                                  int metricsPort, int healthPort, List<String> allowedEndpoints,
                                  List<String> allowedBuckets, boolean tenantPrefixes, LeaderElection.Timing leaseTiming,
                                  Duration resync) {

    /** Settings with tenant prefixes on ({@code S3_TENANT_PREFIXES=namespace}, the default). */
    public CoordinatorSettings(String podName, String podNamespace, String leaseName, String bindHost, int metricsPort,
                               int healthPort, List<String> allowedEndpoints, List<String> allowedBuckets,
                               LeaderElection.Timing leaseTiming, Duration resync) {
        this(podName, podNamespace, leaseName, bindHost, metricsPort, healthPort, allowedEndpoints, allowedBuckets, true,
                leaseTiming, resync);
    }

    public static CoordinatorSettings fromEnvironment(Map<String, String> env) {
        return new CoordinatorSettings(
                env.getOrDefault("POD_NAME", hostName()),
                env.getOrDefault("POD_NAMESPACE", "bolometer-system"),
                env.getOrDefault("LEASE_NAME", "bolometer-coordinator"),
                "0.0.0.0",
                Integer.parseInt(env.getOrDefault("METRICS_PORT", "8080")),
                Integer.parseInt(env.getOrDefault("HEALTH_PORT", "8081")),
                list(env.get("ALLOWED_S3_ENDPOINTS")),
                list(env.get("ALLOWED_S3_BUCKETS")),
                tenantPrefixes(env.get("S3_TENANT_PREFIXES")),
                leaseTiming(env),
                Duration.ofSeconds(30));
    }

    /**
     * {@code LEASE_DURATION_SECONDS} (default 15), {@code LEASE_RENEW_DEADLINE_SECONDS} (10) and
     * {@code LEASE_RETRY_PERIOD_SECONDS} (2): a killed leader is replaced within about the lease duration plus one
     * retry period. The renew deadline must be shorter than the lease and longer than the retry period, so a leader
     * that cannot renew stops writing before anyone else may take the lease.
     */
    static LeaderElection.Timing leaseTiming(Map<String, String> env) {
        LeaderElection.Timing defaults = LeaderElection.Timing.DEFAULT;
        Duration lease = seconds(env, "LEASE_DURATION_SECONDS", defaults.lease());
        Duration renewDeadline = seconds(env, "LEASE_RENEW_DEADLINE_SECONDS", defaults.renewDeadline());
        Duration retryPeriod = seconds(env, "LEASE_RETRY_PERIOD_SECONDS", defaults.retryPeriod());
        if (renewDeadline.compareTo(lease) >= 0 || retryPeriod.compareTo(renewDeadline) >= 0) {
            throw new IllegalArgumentException("Lease timing needs LEASE_RETRY_PERIOD_SECONDS < "
                    + "LEASE_RENEW_DEADLINE_SECONDS < LEASE_DURATION_SECONDS, got " + retryPeriod.toSeconds() + " < "
                    + renewDeadline.toSeconds() + " < " + lease.toSeconds());
        }
        return new LeaderElection.Timing(lease, renewDeadline, retryPeriod);
    }

    private static Duration seconds(Map<String, String> env, String name, Duration fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        long seconds;
        try {
            seconds = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number of seconds, got '" + value + "'");
        }
        if (seconds < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 second, got " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    /** {@code S3_TENANT_PREFIXES}: {@code namespace} (default) or {@code none}; anything else refuses to start. */
    static boolean tenantPrefixes(String value) {
        if (value == null || value.isBlank() || value.strip().equals("namespace")) {
            return true;
        }
        if (value.strip().equals("none")) {
            return false;
        }
        throw new IllegalArgumentException("S3_TENANT_PREFIXES must be 'namespace' or 'none', got '" + value + "'");
    }

    public PlannerSettings planner() {
        return new PlannerSettings(podNamespace, allowedEndpoints, allowedBuckets, tenantPrefixes);
    }

    public void log(Logger log) {
        log.info("Coordinator settings: POD_NAME={} POD_NAMESPACE={} LEASE_NAME={} METRICS_PORT={} HEALTH_PORT={} "
                        + "ALLOWED_S3_ENDPOINTS={} ALLOWED_S3_BUCKETS={} S3_TENANT_PREFIXES={} LEASE_DURATION_SECONDS={} "
                        + "LEASE_RENEW_DEADLINE_SECONDS={} LEASE_RETRY_PERIOD_SECONDS={}", podName, podNamespace,
                leaseName, metricsPort, healthPort, allowedEndpoints, allowedBuckets.isEmpty() ? "(any)" : allowedBuckets,
                tenantPrefixes ? "namespace" : "none", leaseTiming.lease().toSeconds(), leaseTiming.renewDeadline().toSeconds(),
                leaseTiming.retryPeriod().toSeconds());
    }

    private static List<String> list(String value) {
        return value == null || value.isBlank() ? List.of()
                : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "bolometer-coordinator";
        }
    }
}
