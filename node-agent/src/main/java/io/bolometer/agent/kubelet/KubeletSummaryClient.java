package io.bolometer.agent.kubelet;

import io.bolometer.agent.trigger.UsageSnapshot;
import io.bolometer.agent.trigger.UsageSource;
import io.bolometer.agent.trigger.UsageSourceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples pod usage from this node's kubelet ({@code GET /stats/summary?only_cpu_and_memory=true} over HTTPS with
 * the service-account token), mapping every failure to a {@link UsageSourceException} kind.
 *
 * <p>Kinds: {@code unreachable} (refused, no route, unknown host, connect timeout), {@code timeout} (no answer in
 * time), {@code unauthorized} (401/403, or no readable token), {@code tls} (handshake or certificate), and
 * {@code bad-response} (any other status, or a body that is not a summary). Futures complete on a Vert.x event
 * loop: dependent stages must not block. The {@code Vertx} is shared and stays open on {@link #close()}.
 */
public final class KubeletSummaryClient implements UsageSource {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletSummaryClient.class);
    /** Projected tokens rotate about hourly (80% of their life); a minute's delay costs nothing, a 401 re-reads. */
    static final Duration TOKEN_CHECK_INTERVAL = Duration.ofSeconds(60);
    private static final int BODY_EXCERPT_CHARS = 200;

    private final KubeletSettings settings;
    private final Clock clock;
    private final String summaryUrl;
    private final WebClient client;
    private final BearerTokenFile token;
    private final KubeletSummaryParser parser = new KubeletSummaryParser();

    public KubeletSummaryClient(Vertx vertx, KubeletSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.summaryUrl = settings.summaryUri().toString();
        this.token = new BearerTokenFile(vertx, settings.tokenFile(), clock, TOKEN_CHECK_INTERVAL);
        this.client = WebClient.create(vertx, options(settings));
        if (settings.insecureSkipVerify()) {
            LOG.warn("TLS verification of kubelet {} is off (KUBELET_INSECURE_SKIP_VERIFY=true): any certificate "
                    + "is accepted, so a host that can intercept node traffic could read the agent's token",
                    settings.url());
        } else {
            LOG.info("Reading pod usage from kubelet {} trusting CA {} with host name verification",
                    settings.url(), settings.caFile());
        }
    }

    private static WebClientOptions options(KubeletSettings settings) {
        int timeoutMillis = Math.toIntExact(Math.min(Integer.MAX_VALUE, settings.timeout().toMillis()));
        WebClientOptions options = new WebClientOptions()
                .setUserAgent("bolometer-node-agent")
                .setFollowRedirects(false)
                .setConnectTimeout(timeoutMillis);
        if (settings.insecureSkipVerify()) {
            return options.setTrustAll(true).setVerifyHost(false);
        }
        // A missing CA is a start-up mistake; say so now rather than as a TLS error on every check.
        if (!Files.isReadable(settings.caFile())) {
            throw new IllegalArgumentException("kubelet CA file " + settings.caFile() + " is not readable; set "
                    + "KUBELET_CA_FILE, or KUBELET_INSECURE_SKIP_VERIFY=true for self-signed kubelet certificates");
        }
        return options.setTrustAll(false)
                .setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(settings.caFile().toString()));
    }

    @Override
    public CompletableFuture<UsageSnapshot> sample() {
        return summary().thenApply(KubeletSummary::usage);
    }

    /** One summary, with the node-level figures that {@link #sample()} leaves out. */
    public CompletableFuture<KubeletSummary> summary() {
        return token.current()
                .compose(this::send)
                .compose(this::retryOnceWithRotatedToken)
                .map(this::interpret)
                .recover(failure -> Future.failedFuture(classify(failure)))
                .toCompletionStage()
                .toCompletableFuture();
    }

    private Future<HttpResponse<Buffer>> send(String bearer) {
        return client.getAbs(summaryUrl)
                .putHeader("Authorization", "Bearer " + bearer)
                .putHeader("Accept", "application/json")
                .timeout(settings.timeout().toMillis())
                .send();
    }

    /** A 401 right after the token rotated is the old token: read the file now and try once more. */
    private Future<HttpResponse<Buffer>> retryOnceWithRotatedToken(HttpResponse<Buffer> response) {
        if (response.statusCode() != 401) {
            return Future.succeededFuture(response);
        }
        return token.reload().compose(changed -> changed
                ? token.current().compose(this::send)
                : Future.succeededFuture(response));
    }

    private KubeletSummary interpret(HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new UsageSourceException("unauthorized", "kubelet " + settings.url() + " answered " + status
                    + " to GET /stats/summary: check that the agent's ClusterRole grants get on nodes/stats "
                    + "and that " + settings.tokenFile() + " holds a current service-account token");
        }
        if (status != 200) {
            throw new UsageSourceException("bad-response", "kubelet " + settings.url() + " answered " + status
                    + " to GET /stats/summary: " + excerpt(response.body()));
        }
        Buffer body = response.body();
        if (body == null) {
            throw new UsageSourceException("bad-response", "kubelet " + settings.url() + " answered 200 without a body");
        }
        return parser.parse(body.getBytes(), clock.instant());
    }

    private static String excerpt(Buffer body) {
        if (body == null || body.length() == 0) {
            return "(empty body)";
        }
        String text = body.toString(StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        return text.length() <= BODY_EXCERPT_CHARS ? text : text.substring(0, BODY_EXCERPT_CHARS) + "…";
    }

    /** Names the failure by the first cause that says what happened; messages carry the URL, never the token. */
    UsageSourceException classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UsageSourceException e) {
                return e;
            }
            if (t instanceof SSLException || t instanceof CertificateException) {
                return new UsageSourceException("tls", "TLS with kubelet " + settings.url() + " failed: "
                        + t.getMessage() + hint(), failure);
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException) {
                return new UsageSourceException("unreachable", "kubelet " + settings.url() + " is unreachable: "
                        + describe(t), failure);
            }
            if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("TimeoutException")) {
                return new UsageSourceException("timeout", "kubelet " + settings.url() + " did not answer within "
                        + settings.timeout().toMillis() + " ms", failure);
            }
        }
        return new UsageSourceException("unreachable", "request to kubelet " + settings.url() + " failed: "
                + describe(failure), failure);
    }

    private String hint() {
        return settings.insecureSkipVerify() ? "" : " (is the kubelet's serving certificate signed by "
                + settings.caFile() + " and valid for " + settings.url().getHost()
                + "? Kubelets with self-signed certificates need KUBELET_INSECURE_SKIP_VERIFY=true)";
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public String describe() {
        return "kubelet " + summaryUrl + (settings.insecureSkipVerify() ? " (TLS unverified)" : "");
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "KubeletSummaryClient[" + describe() + "]";
    }
}
