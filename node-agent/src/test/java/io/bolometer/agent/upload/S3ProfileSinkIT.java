package io.bolometer.agent.upload;

import io.bolometer.agent.store.StoreLocation;
import io.bolometer.agent.store.StoredProfile;
import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.testing.S3TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.Tag;

class S3ProfileSinkIT {

    private static final String BUCKET = "sink-it";
    private static final Map<String, String> METADATA = Map.of(
            "pod-name", "checkout-7d9f8-x2x",
            "pod-namespace", "shop",
            "profile-type", "heap",
            "reason", "threshold-exceeded",
            "timestamp", "2026-11-25T10:15:30Z",
            "label-team", "=?UTF-8?B?w6lxdWlwZSBwYWllbWVudA==?=");
    private static final Map<String, String> TAGS = Map.of("profile-type", "heap", "reason", "threshold-exceeded",
            "pod-namespace", "shop", "service", "checkout");

    private static S3TestServer s3;
    private static S3ProfileSink sink;

    @TempDir
    Path dir;

    @BeforeAll
    static void startS3() {
        s3 = S3TestServer.shared();
        s3.createBucket(BUCKET);
        sink = S3ProfileSink.create(location(BUCKET), S3TestServer.CREDENTIALS);
    }

    @AfterAll
    static void closeSink() {
        if (sink != null) {
            sink.close();
        }
    }

    @Test
    void storesASmallProfileWithItsMetadataAndTags() throws Exception {
        String key = "profiles/2026-11-25/checkout/20261125101530-checkout-7d9f8-x2x-heap.pprof";
        byte[] body = randomBytes(4096, 1);

        sink.store(profile(key, body)).get(60, TimeUnit.SECONDS);

        ResponseBytes<GetObjectResponse> object = s3.getObject(BUCKET, key);
        assertThat(object.asByteArray()).isEqualTo(body);
        assertThat(object.response().contentType()).isEqualTo("application/octet-stream");
        assertThat(object.response().metadata()).isEqualTo(METADATA);
        assertThat(tags(key)).isEqualTo(TAGS);
    }

    @Test
    void storesA20MibProfileInPartsByteForByte() throws Exception {
        String key = "profiles/2026-11-25/checkout/20261125101530-checkout-7d9f8-x2x-allocs.pprof";
        byte[] body = randomBytes(20 * 1024 * 1024, 2);

        sink.store(profile(key, body)).get(120, TimeUnit.SECONDS);

        HeadObjectResponse head = s3.client().headObject(b -> b.bucket(BUCKET).key(key));
        assertThat(head.contentLength()).isEqualTo(body.length);
        assertThat(head.metadata()).isEqualTo(METADATA);
        // A multipart ETag is "<md5 of part md5s>-<parts>": 20 MiB in 8 MiB parts is 3.
        assertThat(head.eTag()).endsWith("-3\"");
        assertThat(s3.getObject(BUCKET, key).asByteArray()).isEqualTo(body);
        assertThat(tags(key)).isEqualTo(TAGS);
    }

    @Test
    void storingTheSameProfileAgainLeavesOneObject() throws Exception {
        String key = "profiles/2026-11-25/checkout/20261125101531-checkout-7d9f8-x2x-heap.pprof";
        StoredProfile profile = profile(key, randomBytes(1000, 3));
        sink.store(profile).get(60, TimeUnit.SECONDS);

        assertThat(sink.store(profile).get(60, TimeUnit.SECONDS)).as("the key written").isEqualTo(key);

        assertThat(s3.getObject(BUCKET, key).asByteArray()).isEqualTo(randomBytes(1000, 3));
        assertThat(keysUnder("profiles/2026-11-25/checkout/20261125101531-checkout-7d9f8-x2x-heap"))
                .as("the retry recognised its own object").containsExactly(key);
    }

    @Test
    void anotherAgentsCaptureUnderATakenKeyGetsTheNextSuffixAndReplacesNothing() throws Exception {
        assertNoReplacement("shared/2026-11-25/checkout/20261125101532-checkout-0-heap", 4096);
    }

    @Test
    void multipartUploadsAreConditionalToo() throws Exception {
        assertNoReplacement("shared/2026-11-25/checkout/20261125101533-checkout-0-heap",
                (int) S3ProfileSink.PART_SIZE + 1024 * 1024);
    }

    /** Two agents (own clients) capture same-named pods of two namespaces in the same second, then a third. */
    private void assertNoReplacement(String base, int size) throws Exception {
        String key = base + ".pprof";
        byte[] shop = randomBytes(size, 11);
        byte[] payments = randomBytes(size, 12);
        byte[] third = randomBytes(size, 13);
        try (S3ProfileSink otherAgent = S3ProfileSink.create(location(BUCKET), S3TestServer.CREDENTIALS)) {
            assertThat(sink.store(profile(key, shop, "shop", "node-a")).get(60, TimeUnit.SECONDS)).isEqualTo(key);
            assertThat(otherAgent.store(profile(key, payments, "payments", "node-b")).get(60, TimeUnit.SECONDS))
                    .as("the key actually written").isEqualTo(base + "-2.pprof");
            assertThat(otherAgent.store(profile(key, third, "payments", "node-c")).get(60, TimeUnit.SECONDS))
                    .isEqualTo(base + "-3.pprof");
        }

        assertThat(keysUnder(base)).containsExactlyInAnyOrder(key, base + "-2.pprof", base + "-3.pprof");
        assertThat(s3.getObject(BUCKET, key).asByteArray()).isEqualTo(shop);
        assertThat(s3.getObject(BUCKET, base + "-2.pprof").asByteArray()).isEqualTo(payments);
        assertThat(s3.getObject(BUCKET, base + "-2.pprof").response().metadata()).containsEntry("pod-namespace", "payments");
        assertThat(s3.getObject(BUCKET, base + "-3.pprof").asByteArray()).isEqualTo(third);
    }

    private static java.util.List<String> keysUnder(String prefix) {
        return s3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
                .map(software.amazon.awssdk.services.s3.model.S3Object::key).sorted().toList();
    }

    @Test
    void describesBucketEndpointAndRegionWithoutCredentials() {
        assertThat(sink.describe()).contains(BUCKET, s3.endpoint().toString(), S3TestServer.REGION)
                .doesNotContain("test-access-key", "test-secret-key");
    }

    @Test
    void sharesOneClientBetweenBucketsOfTheSameEndpoint() throws Exception {
        s3.createBucket("sink-it-other");
        try (SinkRegistry registry = new SinkRegistry(S3TestServer.CREDENTIALS)) {
            ProfileSink first = registry.apply(location(BUCKET));
            ProfileSink second = registry.apply(location("sink-it-other"));

            assertThat(registry.apply(location(BUCKET))).isSameAs(first);
            assertThat(registry.s3ClientCount()).isEqualTo(1);
            second.store(profile("shared/client.pprof", randomBytes(10, 5))).get(60, TimeUnit.SECONDS);
            assertThat(s3.getObject("sink-it-other", "shared/client.pprof").asByteArray())
                    .isEqualTo(randomBytes(10, 5));
        }
    }

    private static StoreLocation.S3 location(String bucket) {
        return new StoreLocation.S3(bucket, S3TestServer.REGION, s3.endpoint().toString(), true);
    }

    private StoredProfile profile(String key, byte[] body) throws IOException {
        Path file = Files.write(Files.createTempFile(dir, "body", ".pprof"), body);
        return new StoredProfile(key, file, body.length, METADATA, TAGS);
    }

    private StoredProfile profile(String key, byte[] body, String namespace, String node) throws IOException {
        Path file = Files.write(Files.createTempFile(dir, "body", ".pprof"), body);
        Map<String, String> metadata = new java.util.HashMap<>(METADATA);
        metadata.put("pod-namespace", namespace);
        metadata.put("node", node);
        return new StoredProfile(key, file, body.length, metadata, TAGS);
    }

    private static Map<String, String> tags(String key) {
        return s3.client().getObjectTagging(b -> b.bucket(BUCKET).key(key)).tagSet().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value));
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
