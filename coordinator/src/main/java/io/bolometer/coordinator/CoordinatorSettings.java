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
                                  List<String> allowedBuckets, LeaderElection.Timing leaseTiming, Duration resync) {

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
                LeaderElection.Timing.DEFAULT,
                Duration.ofSeconds(30));
    }

    public PlannerSettings planner() {
        return new PlannerSettings(podNamespace, allowedEndpoints, allowedBuckets);
    }

    public void log(Logger log) {
        log.info("Coordinator settings: POD_NAME={} POD_NAMESPACE={} LEASE_NAME={} METRICS_PORT={} HEALTH_PORT={} "
                        + "ALLOWED_S3_ENDPOINTS={} ALLOWED_S3_BUCKETS={}", podName, podNamespace, leaseName,
                metricsPort, healthPort, allowedEndpoints, allowedBuckets.isEmpty() ? "(any)" : allowedBuckets);
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
