package io.bolometer.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP pass-through in front of the S3 server that notes when each PUT's answer has gone back to the client:
 * the moment the object is stored, as the uploader sees it. The agent and the plain baseline both go through it,
 * so its hop costs both the same.
 */
public final class TimingS3Proxy implements AutoCloseable {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "expect",
            "upgrade", "proxy-connection", "te", "trailer");

    /** One PUT answered 2xx: the object key (path without the bucket) and the wall-clock nanos it completed. */
    public record Put(String bucket, String key, long doneNanos) {
    }

    private final HttpServer server;
    private final HttpClient client;
    private final List<Put> puts = new ArrayList<>();

    private TimingS3Proxy(Vertx vertx, URI target) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(target.getHost())
                .setDefaultPort(target.getPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64));
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                .setHandle100ContinueAutomatically(true));
        server.requestHandler(this::forward);
    }

    public static TimingS3Proxy start(Vertx vertx, URI target) throws Exception {
        TimingS3Proxy proxy = new TimingS3Proxy(vertx, target);
        proxy.server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return proxy;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    private void forward(HttpServerRequest request) {
        request.pause();
        RequestOptions options = new RequestOptions().setMethod(request.method()).setURI(request.uri());
        client.request(options).compose(outgoing -> {
            request.headers().forEach(header -> {
                if (!HOP_BY_HOP.contains(header.getKey().toLowerCase())) {
                    outgoing.headers().add(header.getKey(), header.getValue());
                }
            });
            if (!request.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
                outgoing.setChunked(true);
            }
            return outgoing.send(request);
        }).compose(answer -> {
            request.response().setStatusCode(answer.statusCode()).setStatusMessage(answer.statusMessage());
            answer.headers().forEach(header -> {
                if (!HOP_BY_HOP.contains(header.getKey().toLowerCase())) {
                    request.response().headers().add(header.getKey(), header.getValue());
                }
            });
            if (!answer.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
                request.response().setChunked(true);
            }
            int status = answer.statusCode();
            return answer.pipeTo(request.response()).map(done -> status);
        }).onSuccess(status -> {
            if (request.method() == HttpMethod.PUT && status / 100 == 2) {
                record(request.path());
            }
        }).onFailure(error -> {
            if (!request.response().headWritten()) {
                request.response().setStatusCode(502).end(String.valueOf(error.getMessage()));
            } else {
                request.connection().close();
            }
        });
    }

    private void record(String path) {
        long now = UsageModel.nowNanos();
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        int slash = trimmed.indexOf('/');
        if (slash < 0) {
            return; // a bucket creation, not an object
        }
        synchronized (puts) {
            puts.add(new Put(trimmed.substring(0, slash), trimmed.substring(slash + 1), now));
        }
    }

    /** Every object PUT so far, oldest first. */
    public List<Put> puts() {
        synchronized (puts) {
            return List.copyOf(puts);
        }
    }

    @Override
    public void close() {
        Future.join(server.close(), client.close()).toCompletionStage().toCompletableFuture().join();
    }
}
