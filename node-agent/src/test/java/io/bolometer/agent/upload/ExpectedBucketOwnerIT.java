package io.bolometer.agent.upload;

import io.bolometer.agent.store.StoreLocation;
import io.bolometer.agent.store.StoredProfile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bolometer.testing.S3TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code s3Config.expectedBucketOwner} reaches S3 on every request through the CRT client, and a bucket owned by
 * another account refuses the upload. s3mock ignores the header, so the store here is a small loopback server that
 * answers as S3 documents it: 403 AccessDenied when {@code x-amz-expected-bucket-owner} names another account.
 */
class ExpectedBucketOwnerIT {

    private static final String OWNER = "111122223333";
    private static final String HEADER = "x-amz-expected-bucket-owner";

    private static Vertx vertx;
    private static HttpServer server;
    private static final List<String> seen = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void startStore() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setHandle100ContinueAutomatically(true))
                .requestHandler(ExpectedBucketOwnerIT::answer)
                .listen(0, "127.0.0.1").await();
    }

    @AfterAll
    static void stopStore() {
        vertx.close().await();
    }

    private static void answer(HttpServerRequest request) {
        String owner = request.getHeader(HEADER);
        seen.add(request.method() + " " + request.path() + " owner=" + owner);
        request.body().onComplete(body -> {
            if (owner != null && !OWNER.equals(owner)) {
                request.response().setStatusCode(403).putHeader("Content-Type", "application/xml")
                        .end("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                                + "<Message>Access Denied</Message></Error>");
            } else if ("HEAD".equals(request.method().name())) {
                request.response().setStatusCode(404).end();
            } else {
                request.response().putHeader("ETag", "\"0123456789abcdef0123456789abcdef\"").end();
            }
        });
    }

    @Test
    void everyRequestCarriesTheExpectedOwnerAndTheOwnersBucketTakesTheProfile() throws Exception {
        seen.clear();
        try (S3ProfileSink sink = S3ProfileSink.create(location(OWNER), S3TestServer.CREDENTIALS)) {
            sink.store(profile("shop/profiles/a-heap.pprof")).get(60, TimeUnit.SECONDS);
        }

        assertThat(seen).isNotEmpty().allMatch(line -> line.endsWith("owner=" + OWNER), "carries " + OWNER)
                .anyMatch(line -> line.startsWith("PUT /owned/shop/profiles/a-heap.pprof"));
    }

    @Test
    void aBucketOwnedByAnotherAccountRefusesTheUpload() throws Exception {
        try (S3ProfileSink sink = S3ProfileSink.create(location("444455556666"), S3TestServer.CREDENTIALS)) {
            assertThatThrownBy(() -> sink.store(profile("shop/profiles/b-heap.pprof")).get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).rootCause().isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
        }
    }

    @Test
    void withoutAnExpectedOwnerNoneIsSent() throws Exception {
        seen.clear();
        try (S3ProfileSink sink = S3ProfileSink.create(location(null), S3TestServer.CREDENTIALS)) {
            sink.store(profile("shop/profiles/c-heap.pprof")).get(60, TimeUnit.SECONDS);
        }

        assertThat(seen).isNotEmpty().allMatch(line -> line.endsWith("owner=null"));
    }

    private static StoreLocation.S3 location(String owner) {
        return new StoreLocation.S3("owned", "us-east-1", "http://127.0.0.1:" + server.actualPort(), true, owner);
    }

    private StoredProfile profile(String key) throws Exception {
        byte[] body = new byte[2048];
        Path file = Files.write(Files.createTempFile(dir, "body", ".pprof"), body);
        return new StoredProfile(key, file, body.length, Map.of("pod-name", "a", "profile-type", "heap"), Map.of());
    }
}
