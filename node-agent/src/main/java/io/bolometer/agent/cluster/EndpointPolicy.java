package io.bolometer.agent.cluster;

import io.bolometer.model.S3Endpoints;
import java.util.List;

/**
 * The coordinator's S3 endpoint allow-list, checked again by the agent (defence in depth): a config outside the
 * agent's own namespace may send profiles, signed with the agent's credentials, only to an endpoint the chart
 * lists in {@code s3.allowedEndpoints}, compared as the coordinator compares them ({@link S3Endpoints}).
 *
 * @param ownNamespace {@code POD_NAMESPACE}, the release namespace whose configs are trusted; null = not known
 * @param allowed {@code ALLOWED_S3_ENDPOINTS}; null when the variable is not set at all (then nothing is checked,
 *                as in standalone mode and older charts)
 */
public record EndpointPolicy(String ownNamespace, List<String> allowed) {
    /** Nothing checked. */
    public static final EndpointPolicy NONE = new EndpointPolicy(null, null);

    public EndpointPolicy {
        allowed = allowed == null ? null : List.copyOf(allowed);
    }

    /** Why a config in {@code namespace} may not use {@code endpoint}, or null when it may. */
    public String problem(String namespace, String endpoint) {
        if (endpoint == null || endpoint.isBlank() || allowed == null || ownNamespace == null
                || ownNamespace.equals(namespace)) {
            return null;
        }
        if (allowed.stream().anyMatch(a -> S3Endpoints.same(a, endpoint))) {
            return null;
        }
        return "its S3 endpoint is not in ALLOWED_S3_ENDPOINTS (a config outside " + ownNamespace
                + " may use only those)";
    }
}
