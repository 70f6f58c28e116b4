package io.bolometer.coordinator.planning;

import java.util.List;

/**
 * The coordinator's own settings that decide what configs may do (ARCHITECTURE.md "Security").
 *
 * @param coordinatorNamespace configs living here may select any namespace
 * @param allowedEndpoints S3 endpoints a config outside the coordinator's namespace may set (empty: none)
 * @param allowedBuckets buckets a config outside the coordinator's namespace may use (empty: any)
 */
public record PlannerSettings(String coordinatorNamespace, List<String> allowedEndpoints, List<String> allowedBuckets) {
    public PlannerSettings {
        allowedEndpoints = allowedEndpoints == null ? List.of() : List.copyOf(allowedEndpoints);
        allowedBuckets = allowedBuckets == null ? List.of() : List.copyOf(allowedBuckets);
    }
}
