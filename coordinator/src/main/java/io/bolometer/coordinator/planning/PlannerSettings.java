package io.bolometer.coordinator.planning;

import java.util.List;

/**
 * The coordinator's own settings that decide what configs may do (ARCHITECTURE.md "Security").
 *
 * @param coordinatorNamespace configs living here may select any namespace
 * @param allowedEndpoints S3 endpoints a config outside the coordinator's namespace may set (empty: none)
 * @param allowedBuckets buckets a config outside the coordinator's namespace may use (empty: any)
 * @param tenantPrefixes {@code S3_TENANT_PREFIXES=namespace}: a config outside the coordinator's namespace writes
 *                       only under {@code <its namespace>/}
 */
public record PlannerSettings(String coordinatorNamespace, List<String> allowedEndpoints, List<String> allowedBuckets,
                              boolean tenantPrefixes) {
    public PlannerSettings {
        allowedEndpoints = allowedEndpoints == null ? List.of() : List.copyOf(allowedEndpoints);
        allowedBuckets = allowedBuckets == null ? List.of() : List.copyOf(allowedBuckets);
    }

    /** With tenant prefixes on, the default. */
    public PlannerSettings(String coordinatorNamespace, List<String> allowedEndpoints, List<String> allowedBuckets) {
        this(coordinatorNamespace, allowedEndpoints, allowedBuckets, true);
    }

    /** Whether {@code namespace} is the coordinator's own, whose configs may select anything and write anywhere. */
    public boolean privileged(String namespace) {
        return coordinatorNamespace.equals(namespace);
    }
}
