package io.bolometer.coordinator.planning;

import io.bolometer.model.v1alpha1.S3Config;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Tenant prefixes ({@code S3_TENANT_PREFIXES=namespace}): a config outside the coordinator's namespace stores its
 * profiles only under {@code <its namespace>/}, so one IAM policy per namespace prefix keeps teams apart and no
 * two namespaces can ever write the same key.
 */
public final class TenantPrefixes {
    private TenantPrefixes() {
    }

    /** Whether {@code prefix}, read as the object key reads it (empty segments dropped), starts at {@code namespace/}. */
    public static boolean isUnder(String prefix, String namespace) {
        String normalized = normalize(prefix);
        return normalized.equals(namespace) || normalized.startsWith(namespace + "/");
    }

    /** The prefix to use instead: the given one under the namespace, cut to the maximum length. */
    public static String suggest(String prefix, String namespace) {
        String normalized = normalize(prefix);
        String suggestion = normalized.isEmpty() ? namespace + "/" + S3Config.DEFAULT_PREFIX : namespace + "/" + normalized;
        return suggestion.length() <= S3Config.MAX_PREFIX_LENGTH ? suggestion
                : suggestion.substring(0, S3Config.MAX_PREFIX_LENGTH);
    }

    /** The prefix a config gets when it sets none: {@code profiles}, under its namespace for tenants. */
    public static String defaultPrefix(String namespace, PlannerSettings settings) {
        return settings.tenantPrefixes() && !settings.privileged(namespace)
                ? namespace + "/" + S3Config.DEFAULT_PREFIX : S3Config.DEFAULT_PREFIX;
    }

    private static String normalize(String prefix) {
        return Arrays.stream(prefix.strip().split("/")).filter(s -> !s.isEmpty()).collect(Collectors.joining("/"));
    }
}
