package io.bolometer.agent.it;

import static io.bolometer.agent.testing.SpoolFixtures.drops;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bolometer.agent.testing.NoUsage;
import io.bolometer.agent.runtime.AgentRuntime;
import io.bolometer.agent.capture.FetchLimits;
import io.bolometer.agent.capture.PprofValidator;
import io.bolometer.agent.runtime.TypeResult;
import io.bolometer.agent.spool.SpooledProfile;
import io.bolometer.testing.Await;
import io.bolometer.agent.testing.FaultFleet;
import io.bolometer.agent.testing.PprofBodies;
import io.bolometer.testing.S3TestServer;
import io.bolometer.agent.testing.Scrape;
import io.bolometer.agent.testing.ToggleableProxy;
import io.bolometer.agent.upload.SinkRegistry;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.agent.upload.UploadListener;
import io.bolometer.model.ProfileType;
import io.bolometer.testing.Closing;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3 goes away under load (24 pods, heap and goroutine every 8 s, 160 KiB profiles) and comes back: every profile
 * captured arrives exactly once, the agent's heap stays flat while the spool fills on disk, and with a small
 * budget the spool drops its oldest profiles, counted and logged once.
 */
class S3OutageFaultIT {
    private static final int PODS = 24;
    private static final int BODY_BYTES = 160 * 1024;
    private static final Duration INTERVAL = Duration.ofSeconds(8);
    private static final List<ProfileType> TYPES = List.of(ProfileType.HEAP, ProfileType.GOROUTINE);
    /** Heap growth allowed across the outage: about half the ≥ 15 MiB the spooled bodies take on disk. */
    private static final long HEAP_BOUND = 8L * 1024 * 1024;
    private static S3TestServer s3;

    @TempDir
    Path dir;
    private Vertx vertx;
    private ToggleableProxy proxy;
    private SinkRegistry sinks;
    private FaultFleet fleet;
    private AgentRuntime agent;
    private String bucket;
    private final Map<String, Boolean> captured = new ConcurrentHashMap<>();
    private final List<String> uploaded = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> runtimeLog = new ListAppender<>();

    @BeforeAll
    static void startS3() {
        s3 = S3TestServer.shared();
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        proxy = ToggleableProxy.start(s3.port());
        bucket = s3.newBucket("outage");
        sinks = new SinkRegistry(S3TestServer.CREDENTIALS);
        StoreLocation store = new StoreLocation.S3(bucket, S3TestServer.REGION, proxy.endpoint().toString(), true);
        fleet = FaultFleet.start(vertx, 31, PODS, i -> PprofBodies.largeProfile(BODY_BYTES + i), INTERVAL, TYPES, store);
        runtimeLog.start();
        ((Logger) LoggerFactory.getLogger(AgentRuntime.class)).addAppender(runtimeLog);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(AgentRuntime.class)).detachAppender(runtimeLog);
        Closing.inOrder(agent, fleet, sinks, proxy);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private void startAgent(long spoolMaxBytes) throws Exception {
        agent = AgentRuntime.start(vertx,
                new AgentRuntime.Settings(dir.resolve("spool"), spoolMaxBytes, "127.0.0.1", 0, 0, FetchLimits.defaults()),
                NoUsage.failing(), sinks, (target, reason, summary) -> summary.results().stream()
                        .filter(TypeResult::captured).forEach(result -> captured.put(result.detail(), true)),
                new UploadListener() {
                    @Override
                    public void uploaded(SpooledProfile profile, Duration took) {
                        uploaded.add(profile.record().objectKey());
                    }

                    @Override
                    public void failed(SpooledProfile profile, Throwable cause, int attempt) {
                    }
                }, Clock.systemUTC());
        agent.apply(fleet.targets());
    }

    @Test
    void deliversEveryProfileCapturedDuringAnOutageExactlyOnceWithAFlatHeap() throws Exception {
        startAgent(512L * 1024 * 1024);
        Await.until(Duration.ofSeconds(60), "a first round of every pod in S3", () -> bucketKeys().size() >= PODS * 2);
        long baseline = heapAfterGc();

        proxy.refuse();
        Await.until(Duration.ofSeconds(20), "a failed upload", () -> metric("profiling_errors_total{stage=\"upload\"}") > 0);
        int inS3 = bucketKeys().size(); // an upload whose bytes were all sent before the cut may still have landed
        Await.until(Duration.ofSeconds(60), "two rounds waiting in the spool", () -> agent.spool().count() >= PODS * 2 * 2,
                () -> agent.spool().count() + " spooled");
        long peak = heapAfterGc();
        long spooledBytes = agent.spool().bytes();
        int spooled = agent.spool().count();
        assertThat(bucketKeys()).as("nothing reached S3 while it was down").hasSize(inS3);

        proxy.accept();
        Await.until(Duration.ofSeconds(90), "the spool to drain after S3 is back", () -> agent.spool().count() < PODS,
                () -> agent.spool().count() + " spooled");
        long after = heapAfterGc();
        assertThat(agent.shutdown(Duration.ofSeconds(30))).as("spool drained at shutdown").isTrue();

        String scrape = agent.metrics().scrape();
        double captures = Scrape.sum(scrape, "profiling_captures_total", "");
        List<S3Object> objects = bucketObjects();
        Set<String> keys = new TreeSet<>(objects.stream().map(S3Object::key).toList());
        System.err.printf("S3 outage: captured %d, in S3 %d (distinct %d), uploads_total %.0f, spool peak %d profiles /"
                        + " %d bytes, heap after GC baseline %d KiB, at peak %d KiB, after %d KiB%n", captured.size(),
                objects.size(), keys.size(), Scrape.sum(scrape, "profiling_uploads_total", ""), spooled, spooledBytes,
                baseline / 1024, peak / 1024, after / 1024);
        assertThat(keys).as("every captured profile in S3").isEqualTo(new TreeSet<>(captured.keySet()));
        assertThat(objects).as("no key twice").hasSameSizeAs(keys);
        assertThat(uploaded).as("each uploaded once").doesNotHaveDuplicates().hasSameSizeAs(keys);
        assertThat(captures).isEqualTo(keys.size());
        assertThat(Scrape.sum(scrape, "profiling_uploads_total", "")).isEqualTo(captures);
        assertThat(Scrape.sum(scrape, "profiling_spool_dropped_total", "")).isZero();
        assertThat(objects).allSatisfy(o -> assertThat(o.size()).isGreaterThan(BODY_BYTES));
        assertThat(spooledBytes).isGreaterThan(PODS * 2L * 2 * BODY_BYTES);
        assertThat(peak - baseline).as("heap growth while %d bytes wait on disk", spooledBytes).isLessThan(HEAP_BOUND);
        assertThat(after - baseline).as("heap growth after recovery").isLessThan(HEAP_BOUND);
        validateSample(keys);
    }

    @Test
    void dropsTheOldestProfilesBeyondTheBudgetCountsThemAndLogsOnce() throws Exception {
        // Room for a round of 48 bodies being fetched at once (each reserved in 64 KiB steps as it arrives), so
        // nothing is refused as spool-full; the outage's later rounds overflow it and drop the oldest.
        long budget = 72L * (BODY_BYTES + 1024);
        startAgent(budget);
        Await.until(Duration.ofSeconds(60), "a first round of every pod in S3", () -> bucketKeys().size() >= PODS * 2);

        proxy.refuse();
        int logLinesBefore = runtimeLog.list.size();
        List<SpooledProfile> drops = drops(agent.spool());
        Await.until(Duration.ofSeconds(60), "40 profiles dropped for the budget", () -> drops.size() >= 40);
        List<SpooledProfile> dropsAtPeak = List.copyOf(drops);
        List<SpooledProfile> pendingAtPeak = agent.spool().pending();
        int logLinesAtPeak = runtimeLog.list.size();
        assertThat(agent.spool().bytes()).isLessThanOrEqualTo(budget);
        List<String> spooledAtPeak = pendingAtPeak.stream().map(p -> p.record().objectKey()).toList();

        proxy.accept();
        assertThat(agent.shutdown(Duration.ofSeconds(30))).as("spool drained at shutdown").isTrue();

        String scrape = agent.metrics().scrape();
        double dropped = Scrape.sum(scrape, "profiling_spool_dropped_total", "");
        Set<String> keys = bucketKeys();
        Set<String> lost = new TreeSet<>(captured.keySet());
        lost.removeAll(keys);
        System.err.printf("Spool budget %d bytes: captured %d, in S3 %d, dropped %.0f (%.0f bytes), spool at peak %d%n",
                budget, captured.size(), keys.size(), dropped, Scrape.value(scrape, "profiling_spool_dropped_bytes_total"),
                spooledAtPeak.size());
        Set<String> droppedKeys = new TreeSet<>(drops.stream().map(p -> p.record().objectKey()).toList());
        assertThat(droppedKeys).hasSize((int) dropped);
        assertThat(lost).as("the profiles missing from S3 were all dropped").isSubsetOf(droppedKeys);
        assertThat(keys).as("nothing stored that was not captured").isSubsetOf(captured.keySet());
        assertThat(bucketObjects()).hasSameSizeAs(keys);
        assertThat(Scrape.value(scrape, "profiling_spool_dropped_bytes_total")).isGreaterThan(dropped * BODY_BYTES);
        // Oldest first, in commit (spool id) order: a profile older than a dropped one was still in the spool after
        // that drop only if an upload attempt held it then (at most 4 in flight; S3 being down, quick probes).
        String newestDropped = dropsAtPeak.stream().map(SpooledProfile::id).max(String::compareTo).orElseThrow();
        long keptOlder = pendingAtPeak.stream().filter(p -> p.id().compareTo(newestDropped) < 0).count();
        assertThat(keptOlder).as("profiles left in the spool older than the newest dropped one").isLessThanOrEqualTo(4);
        // A drop can only meet S3 when the cut came after S3 had stored the body but before the agent heard so.
        assertThat(droppedKeys.size() - lost.size()).as("dropped profiles found in S3").isLessThanOrEqualTo(4);
        assertThat(keys).containsAll(spooledAtPeak.stream().filter(k -> !lost.contains(k)).toList());
        List<String> budgetLines = new ArrayList<>(runtimeLog.list.subList(logLinesBefore, logLinesAtPeak).stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("is over its budget")).toList());
        assertThat(budgetLines).as("one log line for the whole outage (%d drops)", dropsAtPeak.size()).hasSize(1);
        assertThat(budgetLines.get(0)).contains(dir.resolve("spool").toString()).contains(Long.toString(budget))
                .contains("oldest");
        assertThat(Scrape.value(scrape, "profiling_captures_skipped_total{reason=\"spool-full\"}")).isZero();
    }

    private void validateSample(Set<String> keys) throws Exception {
        PprofValidator validator = new PprofValidator();
        int checked = 0;
        for (String key : keys) {
            if (checked++ % 20 != 0) {
                continue;
            }
            byte[] body = s3.getObject(bucket, key).asByteArray();
            assertThat(validator.validate(new ByteArrayInputStream(body))).as(key).isInstanceOf(PprofValidator.Valid.class);
        }
    }

    private double metric(String series) {
        return Scrape.value(agent.metrics().scrape(), series);
    }

    private List<S3Object> bucketObjects() {
        List<S3Object> all = new ArrayList<>();
        s3.client().listObjectsV2Paginator(r -> r.bucket(bucket)).contents().forEach(all::add);
        return all;
    }

    private Set<String> bucketKeys() {
        return new TreeSet<>(bucketObjects().stream().map(S3Object::key).toList());
    }

    private static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            lowest = Math.min(lowest, memory.getHeapMemoryUsage().getUsed());
        }
        return lowest;
    }

    /** Periodic-only targets never read usage; a source that fails loudly if asked. */
}
