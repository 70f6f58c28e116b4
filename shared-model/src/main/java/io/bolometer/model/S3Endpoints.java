package io.bolometer.model;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * How an S3 endpoint URL is compared with the chart's {@code s3.allowedEndpoints}: the coordinator when it validates a
 * config and the agent when it checks the assignment again (defence in depth) must agree, so both use this.
 */
public final class S3Endpoints {
    private S3Endpoints() {
    }

    /** Whether two endpoint URLs are the same, ignoring trailing slashes and the case of scheme and host. */
    public static boolean same(String a, String b) {
        return normalize(a).equals(normalize(b));
    }

    /** Scheme and authority in lower case, the path as written, no trailing slash; a non-URL as written. */
    public static String normalize(String endpoint) {
        String value = endpoint.strip();
        while (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        try {
            URI uri = new URI(value);
            if (uri.getScheme() != null && uri.getRawAuthority() != null) {
                String path = uri.getRawPath() == null ? "" : uri.getRawPath();
                return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority().toLowerCase(Locale.ROOT)
                        + path;
            }
        } catch (URISyntaxException e) {
            // compared as written
        }
        return value;
    }
}
