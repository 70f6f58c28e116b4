package io.bolometer.coordinator.planning;

import io.bolometer.model.S3Endpoints;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Syntax of S3 bucket names and of S3-compatible endpoint URLs, as a config may give them. */
public final class S3Names {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private S3Names() {
    }

    /**
     * Whether {@code bucket} follows the S3 general-purpose bucket naming rules: 3-63 characters of lowercase
     * letters, digits, dots and hyphens, starting and ending with a letter or digit, no {@code ..}, not an IP address.
     */
    public static boolean isBucketName(String bucket) {
        return bucket != null && BUCKET.matcher(bucket).matches() && !bucket.contains("..")
                && !IP_ADDRESS.matcher(bucket).matches();
    }

    /**
     * What is wrong with an endpoint URL, or null when it is a plain {@code http}/{@code https} URL with a host and
     * without credentials, query or fragment (credentials come from the AWS default chain, never from a spec).
     */
    public static String endpointProblem(String endpoint) {
        URI uri;
        try {
            uri = new URI(endpoint.strip());
        } catch (URISyntaxException e) {
            return "is not a URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "must be an http or https URL";
        }
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            return "must not contain credentials";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "must name a host";
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return "must not have a query or fragment";
        }
        return null;
    }

    /** Whether two endpoint URLs are the same, ignoring trailing slashes and the case of scheme and host. */
    public static boolean sameEndpoint(String a, String b) {
        return S3Endpoints.same(a, b);
    }
}
