package io.bolometer.agent.upload;

import io.bolometer.agent.store.StoreLocation;
import static io.bolometer.testing.Await.await;
import static io.bolometer.agent.testing.SpoolFixtures.bodyOf;
import static io.bolometer.agent.testing.SpoolFixtures.spoolProfiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.spool.ProfileSpool;
import io.bolometer.agent.spool.SpooledProfile;
import io.bolometer.testing.S3TestServer;
import io.bolometer.agent.testing.ToggleableProxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

class SpoolUploaderS3IT {

    private static final String BUCKET = "spool-it";
    private static final Backoff QUICK = new Backoff(Duration.ofMillis(50), Duration.ofMillis(400), 0.2);

    @TempDir
    Path dir;

    @Test
    void keepsProfilesInTheSpoolWhileS3IsDownAndUploadsEachExactlyOnceWhenItIsBack() throws Exception {
        List<String> uploaded = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        UploadListener listener = recording(uploaded, failures);
        try (ToggleableProxy proxy = refusingProxyToS3();
             SinkRegistry sinks = new SinkRegistry(S3TestServer.CREDENTIALS)) {
            ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
            List<String> keys = spoolProfiles(spool, storeBehind(proxy), 6, "goroutine");
            try (SpoolUploader uploader = new SpoolUploader(spool, sinks, listener, Clock.systemUTC(), QUICK)) {
                uploader.start();
                await("uploads failed while S3 is down", Duration.ofSeconds(60), () -> failures.size() >= 3);
                assertThat(spool.count()).isEqualTo(6);
                assertThat(objects()).isEmpty();

                proxy.accept();

                await("the spool is empty", Duration.ofSeconds(60), () -> spool.count() == 0);
                assertThat(uploader.drain(Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(objects()).containsExactlyInAnyOrderElementsOf(keys);
            assertThat(uploaded).containsExactlyInAnyOrderElementsOf(keys);
            for (String key : keys) {
                assertThat(S3TestServer.shared().getObject(BUCKET, key).asUtf8String()).isEqualTo(bodyOf(key));
            }
            assertThat(ProfileSpool.open(dir, 1 << 20).count()).isZero();
        }
    }

    /**
     * A store refused for longer than {@link SinkRegistry#NO_ANSWER_SPAN}: the registry replaces the CRT client that
     * lived through the outage (one seen in a pod stayed broken after its store came back), and the fresh client
     * delivers the spool once the store answers again, without restarting anything.
     */
    @Test
    void replacesTheClientAfterALongOutageAndDeliversWithTheNewOne() throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        UploadListener listener = recording(new CopyOnWriteArrayList<>(), failures);
        try (ToggleableProxy proxy = refusingProxyToS3();
             SinkRegistry sinks = new SinkRegistry(S3TestServer.CREDENTIALS)) {
            ProfileSpool spool = ProfileSpool.open(dir, 1 << 20);
            List<String> keys = spoolProfiles(spool, storeBehind(proxy), 2, "heap");
            try (SpoolUploader uploader = new SpoolUploader(spool, sinks, listener, Clock.systemUTC(),
                    new Backoff(Duration.ofMillis(500), Duration.ofSeconds(2), 0.2))) {
                uploader.start();
                await("the client replaced after uploads got no answer for 30 s", Duration.ofSeconds(150),
                        () -> sinks.s3ClientCount() >= 2);
                assertThat(failures).hasSizeGreaterThanOrEqualTo(SinkRegistry.NO_ANSWER_FAILURES);
                assertThat(objects()).doesNotContainAnyElementsOf(keys);

                proxy.accept();

                await("the spool delivered by the new client", Duration.ofSeconds(90), () -> spool.count() == 0);
            }
            assertThat(objects()).containsAll(keys);
            assertThat(sinks.openS3Clients()).isEqualTo(1);
        }
    }

    /** A proxy in front of the shared S3 server (its bucket made sure of), refusing connections until told. */
    private static ToggleableProxy refusingProxyToS3() {
        S3TestServer s3 = S3TestServer.shared();
        s3.createBucket(BUCKET);
        ToggleableProxy proxy = ToggleableProxy.start(s3.port());
        proxy.refuse();
        return proxy;
    }

    /** The bucket, reached through {@code proxy}. */
    private static StoreLocation storeBehind(ToggleableProxy proxy) {
        return new StoreLocation.S3(BUCKET, S3TestServer.REGION, proxy.endpoint().toString(), true);
    }

    /** Records the keys uploaded and the failures, in order. */
    private static UploadListener recording(List<String> uploaded, List<Throwable> failures) {
        return new UploadListener() {
            @Override
            public void uploaded(SpooledProfile profile, Duration took) {
                uploaded.add(profile.record().objectKey());
            }

            @Override
            public void failed(SpooledProfile profile, Throwable cause, int attempt) {
                failures.add(cause);
            }
        };
    }

    private static List<String> objects() {
        return S3TestServer.shared().client().listObjectsV2(b -> b.bucket(BUCKET)).contents().stream()
                .map(S3Object::key).toList();
    }
}
