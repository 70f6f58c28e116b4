package io.bolometer.agent.kubelet;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How the agent reaches its node's kubelet: where, with which token, and how the kubelet's certificate is checked.
 *
 * <p>Verification is on by default: the serving certificate must chain to {@code caFile} (the service-account CA)
 * and name the host in {@code url} (usually the node IP, {@code HOST_IP}). That holds when kubelets request serving
 * certificates from the cluster CA ({@code serverTLSBootstrap: true}); kubelets that sign their own certificate
 * need {@code KUBELET_INSECURE_SKIP_VERIFY=true}, as metrics-server needs {@code --kubelet-insecure-tls} there.
 *
 * @param url the kubelet's base URL, always {@code https} because a bearer token travels with every request
 * @param tokenFile the service-account token sent as {@code Authorization: Bearer}; re-read when it rotates
 * @param caFile PEM bundle trusted for the kubelet's serving certificate (unused when {@code insecureSkipVerify})
 * @param insecureSkipVerify accept any certificate for any host name
 * @param timeout bound on connecting and on waiting for the answer
 */
public record KubeletSettings(URI url, Path tokenFile, Path caFile, boolean insecureSkipVerify, Duration timeout) {

    public static final int KUBELET_PORT = 10250;
    public static final Path DEFAULT_TOKEN_FILE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");
    public static final Path DEFAULT_CA_FILE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public KubeletSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(tokenFile, "tokenFile");
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(timeout, "timeout");
        if (!"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("kubelet URL " + url
                    + " must be https://host[:port]: the bearer token must not travel in clear text");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("kubelet URL " + url + " must not carry a query or fragment");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("kubelet timeout must be positive, was " + timeout);
        }
    }

    /**
     * Reads {@code HOST_IP}, {@code KUBELET_URL}, {@code KUBELET_TOKEN_FILE}, {@code KUBELET_CA_FILE} and
     * {@code KUBELET_INSECURE_SKIP_VERIFY}; blank values count as unset.
     *
     * @throws IllegalArgumentException when neither {@code KUBELET_URL} nor {@code HOST_IP} is set, or a value is
     *     malformed
     */
    public static KubeletSettings fromEnvironment(Map<String, String> env) {
        String explicitUrl = value(env, "KUBELET_URL");
        URI url;
        if (explicitUrl != null) {
            url = parseUrl(explicitUrl);
        } else {
            String hostIp = value(env, "HOST_IP");
            if (hostIp == null) {
                throw new IllegalArgumentException(
                        "Set HOST_IP (downward API status.hostIP) or KUBELET_URL to reach this node's kubelet");
            }
            String host = hostIp.contains(":") && !hostIp.startsWith("[") ? "[" + hostIp + "]" : hostIp;
            url = parseUrl("https://" + host + ":" + KUBELET_PORT);
        }
        String tokenFile = value(env, "KUBELET_TOKEN_FILE");
        String caFile = value(env, "KUBELET_CA_FILE");
        return new KubeletSettings(url,
                tokenFile == null ? DEFAULT_TOKEN_FILE : Path.of(tokenFile),
                caFile == null ? DEFAULT_CA_FILE : Path.of(caFile),
                bool(env, "KUBELET_INSECURE_SKIP_VERIFY"),
                DEFAULT_TIMEOUT);
    }

    /** The summary endpoint with only CPU and memory, which spares the kubelet the file-system walk. */
    public URI summaryUri() {
        String base = url.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/stats/summary?only_cpu_and_memory=true");
    }

    private static URI parseUrl(String text) {
        try {
            return URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("KUBELET_URL " + text + " is not a URL: " + e.getMessage(), e);
        }
    }

    private static boolean bool(Map<String, String> env, String key) {
        String text = value(env, key);
        if (text == null) {
            return false;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, was " + text);
        };
    }

    private static String value(Map<String, String> env, String key) {
        String text = env.get(key);
        return text == null || text.isBlank() ? null : text.trim();
    }
}
