package io.bolometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.bolometer.agent.capture.CaptureOutcome;
import io.bolometer.agent.capture.FetchLimits;
import io.bolometer.agent.capture.PprofValidator;
import io.bolometer.agent.capture.ProfileCapturer;
import io.bolometer.agent.capture.ProfileFetcher;
import io.bolometer.agent.spool.ProfileSpool;
import io.bolometer.agent.spool.SpoolRecord;
import io.bolometer.agent.spool.SpoolSlot;
import io.bolometer.agent.spool.SpooledProfile;
import io.bolometer.testing.Await;
import io.bolometer.agent.testing.FakePprofServer;
import io.bolometer.testing.S3TestServer;
import io.bolometer.agent.upload.Backoff;
import io.bolometer.agent.upload.SinkRegistry;
import io.bolometer.agent.upload.SpoolUploader;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.agent.upload.UploadListener;
import io.bolometer.model.ProfileType;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue 14 "Done when", agent side: tenants can't hurt each other through the agent. Real s3mock, real CRT
 * clients, a store that accepts connections and never answers, a store that refuses with 403, a pod that streams
 * an endless body; loopback only.
 */
class TenantIsolationIT {
    private static final Backoff QUICK = new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), 0);
    private static S3TestServer s3;

    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startS3() {
        s3 = S3TestServer.shared();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : reversed(closing)) {
            closeable.close();
        }
    }

    @Test
    void sameNamedPodsOfTwoNamespacesCapturedInTheSameSecondOnTwoAgentsLeaveTwoObjects() throws Exception {
        String bucket = s3.newBucket("tenants");
        StoreLocation store = s3Store(bucket, s3.endpoint().toString());
        String key = "profiles/2026-12-06/checkout/20261206120000-checkout-0-heap.pprof";
        byte[] shopBody = bytes(3000, 1);
        byte[] paymentsBody = bytes(4000, 2);

        ProfileSpool agentA = ProfileSpool.open(dir.resolve("agent-a"), 1 << 20);
        ProfileSpool agentB = ProfileSpool.open(dir.resolve("agent-b"), 1 << 20);
        spool(agentA, store, key, shopBody, "shop", "node-a");
        spool(agentB, store, key, paymentsBody, "payments", "node-b");
        // One after the other: s3mock checks If-None-Match and writes in two steps, so two PUTs in the same
        // millisecond can both pass there (S3 itself decides atomically).
        uploader(agentA, UploadListener.NONE).start();
        Await.until(Duration.ofSeconds(60), "agent a's spool empty", () -> agentA.count() == 0, () -> agentA.count() + " left");
        uploader(agentB, UploadListener.NONE).start();
        Await.until(Duration.ofSeconds(60), "agent b's spool empty", () -> agentB.count() == 0, () -> agentB.count() + " left");
        List<String> keys = s3.client().listObjectsV2(l -> l.bucket(bucket)).contents().stream().map(S3Object::key).toList();
        assertThat(keys).containsExactlyInAnyOrder(key, key.replace("-heap.pprof", "-heap-2.pprof"));
        Map<String, byte[]> byNamespace = new HashMap<>();
        for (String k : keys) {
            var object = s3.getObject(bucket, k);
            byNamespace.put(object.response().metadata().get("pod-namespace"), object.asByteArray());
        }
        assertThat(byNamespace.get("shop")).isEqualTo(shopBody);
        assertThat(byNamespace.get("payments")).isEqualTo(paymentsBody);
    }

    @Test
    void aNeverAnsweringStoreAndA403StoreLeaveTheOtherStoresUploadsOnTime() throws Exception {
        String bucket = s3.newBucket("healthy");
        StoreLocation healthy = s3Store(bucket, s3.endpoint().toString());
        StoreLocation silent = s3Store("silent-bucket", "http://127.0.0.1:" + silentServer());
        StoreLocation refusing = s3Store("refusing-bucket", "http://127.0.0.1:" + forbiddingServer());
        ProfileSpool spool = ProfileSpool.open(dir.resolve("spool"), 64 << 20);
        // The hostile stores' profiles are the oldest, so a plain oldest-first uploader would serve them first.
        for (int i = 0; i < 8; i++) {
            spool(spool, silent, key("silent", i), bytes(2000, i), "evil", "node-a");
        }
        for (int i = 0; i < 4; i++) {
            spool(spool, refusing, key("refused", i), bytes(2000, i), "evil", "node-a");
        }
        for (int i = 0; i < 8; i++) {
            spool(spool, healthy, key("healthy", i), bytes(2000, 100 + i), "shop", "node-a");
        }
        List<String> abandoned = new CopyOnWriteArrayList<>();
        UploadListener listener = new UploadListener() {
            @Override
            public void uploaded(SpooledProfile profile, Duration took) {
            }

            @Override
            public void failed(SpooledProfile profile, Throwable cause, int attempt) {
            }

            @Override
            public void abandoned(SpooledProfile profile, Throwable cause, int attempts) {
                abandoned.add(profile.record().objectKey());
            }
        };
        long started = System.nanoTime();
        uploader(spool, listener).start();

        Await.until(Duration.ofSeconds(30), "the healthy store's 8 profiles", () -> objects(bucket) == 8,
                () -> objects(bucket) + " stored");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        Await.until(Duration.ofSeconds(30), "the refused profiles given up", () -> abandoned.size() == 4, abandoned::toString);

        assertThat(took).as("well before the silent store's upload timeout").isLessThan(SpoolUploader.UPLOAD_TIMEOUT);
        assertThat(abandoned).allMatch(k -> k.contains("refused"));
        assertThat(spool.pending()).extracting(e -> e.record().objectKey()).allMatch(k -> k.contains("silent"))
                .hasSize(8);
    }

    @Test
    void aHostileBodyNeverGrowsTheSpoolPastItsBudget() throws Exception {
        Vertx vertx = Vertx.vertx();
        closing.add(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        FakePprofServer pod = FakePprofServer.start(vertx, "127.0.0.61").route("debug", FakePprofServer.endlessBody(vertx));
        closing.add(pod);
        ProfileFetcher fetcher = new ProfileFetcher(vertx, FetchLimits.defaults());
        closing.add(fetcher);
        ProfileCapturer capturer = new ProfileCapturer(vertx, fetcher, new PprofValidator());
        long budget = 4L << 20;
        ProfileSpool spool = ProfileSpool.open(dir.resolve("spool"), budget);
        spool(spool, s3Store("b-1", null), key("older", 0), bytes(1 << 20, 7), "shop", "node-a");
        SpoolSlot first = spool.reserve();
        SpoolSlot second = spool.reserve();
        AtomicLong peak = new AtomicLong();

        CaptureOutcome one = capturer.capture(pod.base(), "/debug/pprof", ProfileType.HEAP, 1, first.tempFile(),
                more -> watch(spool, spool.grow(first, more), peak, first, second)).get(60, TimeUnit.SECONDS);
        CaptureOutcome two = capturer.capture(pod.base(), "/debug/pprof", ProfileType.HEAP, 1, second.tempFile(),
                more -> watch(spool, spool.grow(second, more), peak, first, second)).get(60, TimeUnit.SECONDS);

        assertThat(one).isEqualTo(new CaptureOutcome.Skipped("spool-full"));
        assertThat(two).isEqualTo(new CaptureOutcome.Skipped("spool-full"));
        assertThat(peak.get()).as("spooled + fetched bytes on disk at most").isLessThanOrEqualTo(budget);
        assertThat(spool.reservedBytes() + spool.bytes()).isLessThanOrEqualTo(budget);
    }

    /** Records the peak of what the spool holds on disk: committed bodies and both slots' files. */
    private static boolean watch(ProfileSpool spool, boolean granted, AtomicLong peak, SpoolSlot... slots) {
        long onDisk = spool.bytes();
        for (SpoolSlot slot : slots) {
            try {
                onDisk += Files.exists(slot.tempFile()) ? Files.size(slot.tempFile()) : 0;
            } catch (IOException e) {
                // deleted meanwhile
            }
        }
        peak.accumulateAndGet(Math.max(onDisk, spool.bytes() + spool.reservedBytes()), Math::max);
        return granted;
    }

    private static List<AutoCloseable> reversed(List<AutoCloseable> list) {
        List<AutoCloseable> copy = new java.util.ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private SpoolUploader uploader(ProfileSpool spool, UploadListener listener) {
        SinkRegistry sinks = new SinkRegistry(S3TestServer.CREDENTIALS);
        SpoolUploader uploader = new SpoolUploader(spool, sinks, listener, Clock.systemUTC(), QUICK, 4);
        closing.add(sinks);
        closing.add(uploader);
        return uploader;
    }

    private static StoreLocation s3Store(String bucket, String endpoint) {
        return new StoreLocation.S3(bucket, S3TestServer.REGION, endpoint, true);
    }

    private static String key(String what, int i) {
        return "profiles/2026-12-06/" + what + "/20261206120000-" + what + "-" + i + "-heap.pprof";
    }

    private static void spool(ProfileSpool spool, StoreLocation store, String key, byte[] body, String namespace,
                              String node) throws IOException {
        SpoolSlot slot = spool.reserve();
        Files.write(slot.tempFile(), body);
        spool.commit(slot, new SpoolRecord(key, store, Map.of("pod-name", "checkout-0", "pod-namespace", namespace,
                "node", node, "profile-type", "heap", "reason", "on-demand", "timestamp", "2026-12-06T12:00:00Z"),
                Map.of(), namespace + "/config"));
    }

    private static long objects(String bucket) {
        return s3.client().listObjectsV2(l -> l.bucket(bucket)).contents().size();
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Accepts connections on loopback and never answers; returns its port. */
    private int silentServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        List<Socket> held = new CopyOnWriteArrayList<>();
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    held.add(server.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "silent-store");
        acceptor.setDaemon(true);
        acceptor.start();
        closing.add(() -> {
            server.close();
            for (Socket socket : held) {
                socket.close();
            }
        });
        return server.getLocalPort();
    }

    /** Answers every request with S3's 403 AccessDenied; returns its port. */
    private int forbiddingServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                + "<Message>Access Denied</Message></Error>").getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            // Answer at once without reading the body (a client waiting for 100-continue gets its answer) and close.
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            exchange.getResponseHeaders().add("Connection", "close");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(403, -1);
            } else {
                exchange.sendResponseHeaders(403, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        closing.add(() -> server.stop(0));
        return server.getAddress().getPort();
    }
}
