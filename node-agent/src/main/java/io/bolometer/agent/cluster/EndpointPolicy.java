package io.bolometer.agent.cluster;

import java.util.List;
import java.util.Locale;

/**
 * The coordinator's S3 endpoint allow-list, checked again by the agent (defence in depth): a config outside the
 * agent's own namespace may send profiles, signed with the agent's credentials, only to an endpoint the chart
 * lists in {@code s3.allowedEndpoints}.
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
        String wanted = normalize(endpoint);
        if (allowed.stream().anyMatch(a -> normalize(a).equals(wanted))) {
            return null;
        }
        return "its S3 endpoint is not in ALLOWED_S3_ENDPOINTS (a config outside " + ownNamespace
                + " may use only those)";
    }

    /** Scheme and host in lower case, no trailing slash: the comparison the coordinator makes. */
    private static String normalize(String endpoint) {
        String value = endpoint.strip();
        while (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        int start = value.indexOf("://");
        if (start < 0) {
            return value;
        }
        int end = value.indexOf('/', start + 3);
        String authority = end < 0 ? value : value.substring(0, end);
        return authority.toLowerCase(Locale.ROOT) + (end < 0 ? "" : value.substring(end));
    }
}
