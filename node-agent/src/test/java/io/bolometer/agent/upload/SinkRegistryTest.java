package io.bolometer.agent.upload;

import io.bolometer.agent.store.StoreLocation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bolometer.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Issue 14 item 4: native S3 clients are bounded and closed when idle (fake clients; nothing native is created). */
class SinkRegistryTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));
    private final List<FakeClient> created = new ArrayList<>();
    private final SinkRegistry registry = new SinkRegistry(AnonymousCredentialsProvider.create(), false, clock,
            (key, credentials) -> {
                FakeClient client = new FakeClient();
                created.add(client);
                return client;
            }, Runnable::run);

    private static StoreLocation s3(String bucket, String region) {
        return new StoreLocation.S3(bucket, region, "http://127.0.0.1:9", true);
    }

    @Test
    void sharesOneClientPerRegionAndEndpointBetweenBuckets() {
        ProfileSink first = registry.apply(s3("b-1", "us-east-1"));

        assertThat(registry.apply(s3("b-1", "us-east-1"))).isSameAs(first);
        registry.apply(s3("b-2", "us-east-1"));
        assertThat(registry.openS3Clients()).isEqualTo(1);
    }

    @Test
    void closesAClientAndItsSinksOnceUnusedForTenMinutes() {
        ProfileSink old = registry.apply(s3("b-1", "eu-west-1"));
        clock.advance(Duration.ofMinutes(9));
        registry.apply(s3("b-2", "us-east-1"));
        assertThat(created.get(0).closed).isFalse();

        clock.advance(Duration.ofMinutes(2));
        registry.apply(s3("b-2", "us-east-1"));

        assertThat(created.get(0).closed).as("eu-west-1 unused for 11 minutes").isTrue();
        assertThat(created.get(1).closed).isFalse();
        assertThat(registry.openS3Clients()).isEqualTo(1);
        assertThat(registry.apply(s3("b-1", "eu-west-1"))).as("reopened on demand").isNotSameAs(old);
        assertThat(created).hasSize(3);
    }

    @Test
    void refusesMoreThanItsBoundOfClientsAtOnce() {
        for (int i = 0; i < SinkRegistry.MAX_CLIENTS; i++) {
            registry.apply(s3("b-1", "r-" + i));
        }

        assertThatThrownBy(() -> registry.apply(s3("b-1", "r-500"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("32 are in use");
        clock.advance(Duration.ofMinutes(11));
        registry.apply(s3("b-1", "r-500"));
        assertThat(registry.openS3Clients()).isEqualTo(1);
        assertThat(created).hasSize(SinkRegistry.MAX_CLIENTS + 1).filteredOn(c -> c.closed).hasSize(SinkRegistry.MAX_CLIENTS);
    }

    @Test
    void closesEveryClientWhenClosed() {
        registry.apply(s3("b-1", "us-east-1"));
        registry.apply(s3("b-1", "eu-west-1"));

        registry.close();

        assertThat(created).allMatch(c -> c.closed);
    }

    @Test
    void replacesAClientWhoseUploadsGetNoAnswerThreeTimesOverThirtySeconds() {
        StoreLocation.S3 store = (StoreLocation.S3) s3("b-1", "us-east-1");
        ProfileSink first = registry.apply(store);
        Throwable refused = SdkClientException.create("Failed to connect", new java.net.ConnectException("refused"));

        registry.observed(store, refused);
        clock.advance(Duration.ofSeconds(20));
        registry.observed(store, refused);
        registry.observed(store, refused);
        assertThat(registry.apply(store)).as("3 failures but only 20 s").isSameAs(first);

        clock.advance(Duration.ofSeconds(10));
        registry.observed(store, new java.util.concurrent.TimeoutException());

        ProfileSink second = registry.apply(store);
        assertThat(second).isNotSameAs(first);
        assertThat(created).hasSize(2);
        assertThat(created.get(0).closed).as("the old client closed").isTrue();
        assertThat(created.get(1).closed).isFalse();
        assertThat(registry.openS3Clients()).isEqualTo(1);
    }

    @Test
    void failuresOfUploadsStillInFlightOnAReplacedClientDoNotCountForItsSuccessor() {
        StoreLocation.S3 store = (StoreLocation.S3) s3("b-1", "us-east-1");
        registry.apply(store);
        Throwable refused = SdkClientException.create("Failed to connect");
        registry.observed(store, refused);
        clock.advance(Duration.ofSeconds(31));
        registry.observed(store, refused);
        registry.observed(store, refused);
        ProfileSink second = registry.apply(store);

        for (int i = 0; i < 3; i++) {
            registry.observed(store, refused, created.get(0));
            clock.advance(Duration.ofSeconds(20));
        }

        assertThat(registry.apply(store)).as("still the second client").isSameAs(second);
        assertThat(created).hasSize(2);
    }

    @Test
    void anAnswerFromTheStoreEndsTheStreak() {
        StoreLocation.S3 store = (StoreLocation.S3) s3("b-1", "us-east-1");
        ProfileSink first = registry.apply(store);
        Throwable refused = SdkClientException.create("Failed to connect");

        registry.observed(store, refused);
        registry.observed(store, refused);
        registry.observed(store, S3Exception.builder().statusCode(503).message("Slow Down").build());
        clock.advance(Duration.ofMinutes(1));
        registry.observed(store, refused);
        registry.observed(store, refused);

        assertThat(registry.apply(store)).isSameAs(first);
        registry.observed(store, null);
        registry.observed(store, refused);
        assertThat(registry.apply(store)).isSameAs(first);
        assertThat(created).hasSize(1);
    }

    @Test
    void tellsAnswersFromFailuresWithoutOne() {
        assertThat(SinkRegistry.answered(new java.util.concurrent.CompletionException(
                S3Exception.builder().statusCode(403).build()))).isTrue();
        assertThat(SinkRegistry.answered(new java.util.concurrent.CompletionException(
                SdkClientException.create("A nonrecoverable failure when query to dns occurred")))).isFalse();
        assertThat(SinkRegistry.answered(new java.util.concurrent.TimeoutException())).isFalse();
    }

    /** Only what the registry and the transfer manager's construction touch. */
    private static final class FakeClient implements S3AsyncClient {
        boolean closed;

        @Override
        public String serviceName() {
            return "s3";
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
