package io.bolometer.agent.runtime;

import io.bolometer.agent.capture.CaptureOutcome;
import io.bolometer.agent.insight.TriggerEvidence;
import io.bolometer.agent.metrics.AgentMetrics;
import io.bolometer.agent.metrics.CauseLog;
import io.bolometer.agent.spool.ProfileSpool;
import io.bolometer.agent.spool.SpoolFullException;
import io.bolometer.agent.spool.SpoolRecord;
import io.bolometer.agent.spool.SpoolSlot;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.trigger.CaptureGate;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.CaptureReason;
import io.bolometer.model.ObjectMetadata;
import io.bolometer.model.ProfileDescriptor;
import io.bolometer.model.ProfileKeys;
import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one capture of a target: every configured profile type, all stamped with the trigger time, each
 * streamed into the spool, validated, summarized and committed with its contract key and metadata. One capture
 * per pod at a time; the CPU profile runs alongside the others so the set describes one moment.
 */
public final class ProfileCollector {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileCollector.class);
    private static final String SPOOL = "spool";
    /** Captures (pods) running at once on the node at most; more are skipped as {@code capture-in-progress}. */
    public static final int DEFAULT_MAX_CONCURRENT_CAPTURES = 32;

    private final ProfileSource source;
    private final ProfileSpool spool;
    private final Runnable spoolChanged;
    private final KeyAllocator keys;
    private final AgentMetrics metrics;
    private final CaptureListener listener;
    private final Clock clock;
    private final ProfileInsights insights;
    private final Executor settling;
    private final CaptureGate<PodRef> gate = new CaptureGate<>();
    private final CauseLog causes = new CauseLog(LOG);
    private final AtomicBoolean accepting = new AtomicBoolean(true);
    private final Set<String> spoolFailed = ConcurrentHashMap.newKeySet();
    private final int maxConcurrent;

    /** A collector that does not summarize profiles. */
    public ProfileCollector(ProfileSource source, ProfileSpool spool, Runnable spoolChanged, KeyAllocator keys,
                            AgentMetrics metrics, CaptureListener listener, Clock clock) {
        this(source, spool, spoolChanged, keys, metrics, listener, clock, DEFAULT_MAX_CONCURRENT_CAPTURES, null,
                Runnable::run);
    }

    /** @param maxConcurrent captures running at once on the node at most (a node-wide cap, whatever the pods) */
    public ProfileCollector(ProfileSource source, ProfileSpool spool, Runnable spoolChanged, KeyAllocator keys,
                            AgentMetrics metrics, CaptureListener listener, Clock clock, int maxConcurrent) {
        this(source, spool, spoolChanged, keys, metrics, listener, clock, maxConcurrent, null, Runnable::run);
    }

    /**
     * A collector that summarizes every validated profile with {@code insights} (null: none) before committing
     * it; summarizing and committing run on {@code settling}, never on the thread that completed the fetch.
     */
    public ProfileCollector(ProfileSource source, ProfileSpool spool, Runnable spoolChanged, KeyAllocator keys,
                            AgentMetrics metrics, CaptureListener listener, Clock clock, ProfileInsights insights,
                            Executor settling) {
        this(source, spool, spoolChanged, keys, metrics, listener, clock, DEFAULT_MAX_CONCURRENT_CAPTURES, insights,
                settling);
    }

    private ProfileCollector(ProfileSource source, ProfileSpool spool, Runnable spoolChanged, KeyAllocator keys,
                             AgentMetrics metrics, CaptureListener listener, Clock clock, int maxConcurrent,
                             ProfileInsights insights, Executor settling) {
        this.maxConcurrent = maxConcurrent;
        this.insights = insights;
        this.settling = settling;
        this.source = source;
        this.spool = spool;
        this.spoolChanged = spoolChanged;
        this.keys = keys;
        this.metrics = metrics;
        this.listener = listener;
        this.clock = clock;
    }

    /**
     * Starts a capture unless one is already running for the pod or the node runs its maximum of captures (then it
     * is counted as skipped with reason {@code capture-in-progress}) or the agent is shutting down.
     *
     * @param detail why, for the log line (e.g. {@code capture token 3})
     * @return the running capture, or empty when none was started
     */
    public Optional<CompletableFuture<CaptureSummary>> start(ProfilingTarget target, CaptureReason reason,
                                                             Instant triggerTime, String detail) {
        return start(target, reason, triggerTime, detail, null);
    }

    /**
     * As above, for a threshold capture with its {@code evidence} (stored with every profile; null for other
     * captures), which also explains it in the log line when {@code detail} is null.
     */
    public Optional<CompletableFuture<CaptureSummary>> start(ProfilingTarget target, CaptureReason reason,
                                                             Instant triggerTime, String detail,
                                                             TriggerEvidence evidence) {
        if (!accepting.get()) {
            return Optional.empty();
        }
        if (!gate.tryAcquire(target.pod())) {
            metrics.skipped("capture-in-progress");
            LOG.debug("Skipped {} capture of {}: another capture of the pod is running", reason, target.pod());
            return Optional.empty();
        }
        if (gate.inProgress() > maxConcurrent) {
            gate.release(target.pod());
            metrics.skipped("capture-in-progress");
            LOG.debug("Skipped {} capture of {}: {} captures are running on this node, the most at once", reason,
                    target.pod(), maxConcurrent);
            return Optional.empty();
        }
        CompletableFuture<CaptureSummary> run;
        try {
            run = captureAll(target, reason, triggerTime, evidence);
        } catch (RuntimeException e) {
            gate.release(target.pod());
            throw e;
        }
        return Optional.of(run.whenComplete((summary, error) -> {
            gate.release(target.pod());
            if (summary != null) {
                log(target, reason, detail != null || evidence == null ? detail : evidence.describe(), summary);
                listener.captureFinished(target, reason, summary);
            }
        }));
    }

    /** The one-capture-per-pod gate, shared with baseline profiles. */
    CaptureGate<PodRef> gate() {
        return gate;
    }

    /** True while a capture of {@code pod} runs (a new one would be skipped as {@code capture-in-progress}). */
    public boolean capturing(PodRef pod) {
        return gate.busy(pod);
    }

    /** True while the node runs its maximum of captures at once (a new one would be skipped). */
    public boolean atCapacity() {
        return gate.inProgress() >= maxConcurrent;
    }

    /** True until {@link #stopAccepting()}-style shutdown began. */
    public boolean accepting() {
        return accepting.get();
    }

    /** Stops accepting new captures; running ones finish. */
    public void stopAccepting() {
        accepting.set(false);
    }

    public int inProgress() {
        return gate.inProgress();
    }

    private CompletableFuture<CaptureSummary> captureAll(ProfilingTarget target, CaptureReason reason, Instant triggerTime,
                                                         TriggerEvidence evidence) {
        Capture capture = new Capture(target, reason, triggerTime, evidence);
        List<ProfileType> types = target.typesFor(reason == CaptureReason.REQUESTED);
        if (types.isEmpty()) {
            LOG.info("Requested capture of {} takes nothing: it asked for {}, the config profiles {}", target.pod(),
                    target.captureTypes(), target.settings().profileTypes());
        }
        List<CompletableFuture<TypeResult>> results = new ArrayList<>();
        if (types.contains(ProfileType.CPU)) {
            results.add(captureOne(capture, ProfileType.CPU));
        }
        CompletableFuture<TypeResult> chain = null;
        for (ProfileType type : types) {
            if (type == ProfileType.CPU) {
                continue;
            }
            chain = chain == null
                    ? captureOne(capture, type)
                    : chain.thenCompose(previous -> captureOne(capture, type));
            results.add(chain);
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(done -> CaptureSummary.of(results.stream().map(CompletableFuture::join).toList()));
    }

    /** What every type of one capture shares. */
    private record Capture(ProfilingTarget target, CaptureReason reason, Instant triggerTime,
                           TriggerEvidence evidence) {
    }

    private CompletableFuture<TypeResult> captureOne(Capture capture, ProfileType type) {
        ProfilingTarget target = capture.target();
        SpoolSlot slot;
        try {
            slot = spool.reserve(target.configId());
        } catch (SpoolFullException e) {
            metrics.skipped("spool-full");
            return CompletableFuture.completedFuture(spoolFull(target, type, e));
        } catch (IOException | RuntimeException e) {
            metrics.error("spool");
            spoolFailure(target, type, "io", "Cannot write profiles to the spool directory " + spool.directory() + ": "
                    + e.getMessage() + "; captures fail until there is room again");
            return CompletableFuture.completedFuture(TypeResult.failed(type, "spool", e.getMessage()));
        }
        Instant started = clock.instant();
        int cpuSeconds = target.settings().cpuProfileSeconds();
        CompletableFuture<CaptureOutcome> outcome;
        try {
            outcome = source.capture(target.baseUrl(), target.pprofPath(), type, cpuSeconds, slot.tempFile(),
                    more -> spool.grow(slot, more));
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        return outcome.handleAsync((result, error) -> {
            if (error != null) {
                result = new CaptureOutcome.Failed("fetch", String.valueOf(error.getMessage()));
            }
            return settle(capture, type, slot, result, Duration.between(started, clock.instant()));
        }, settling);
    }

    private TypeResult settle(Capture capture, ProfileType type, SpoolSlot slot, CaptureOutcome outcome,
                              Duration took) {
        ProfilingTarget target = capture.target();
        if (outcome instanceof CaptureOutcome.Captured captured) {
            return commit(capture, type, slot, captured, took);
        }
        spool.discard(slot);
        if (outcome instanceof CaptureOutcome.Skipped skipped) {
            metrics.skipped(skipped.reason());
            causes.notice(subject(target, type), "skipped:" + skipped.reason(), "Skipped " + type + " profile of "
                    + target.pod() + ": " + skipped.reason());
            return TypeResult.skipped(type, skipped.reason());
        }
        CaptureOutcome.Failed failed = (CaptureOutcome.Failed) outcome;
        metrics.error(failed.stage());
        if (SPOOL.equals(failed.stage())) {
            // the agent's own disk, not the pod: one line for all pods and types until writing works again
            spoolFailure(target, type, "io", "Cannot write profiles to the spool directory " + spool.directory()
                    + ": " + failed.cause() + "; captures fail until there is room again");
        } else {
            causes.failure(subject(target, type), failed.stage() + ":" + failed.cause(), "Cannot capture " + type
                    + " profile of " + target.pod() + " from " + target.baseUrl() + " (" + failed.stage() + "): "
                    + failed.cause());
        }
        return TypeResult.failed(type, failed.stage(), failed.cause());
    }

    /**
     * Summarizes the validated body and compares it with the pod's baseline, fixes the object key and metadata,
     * commits the body to the spool, then keeps a periodic profile's summary as the pod's next baseline.
     */
    private TypeResult commit(Capture capture, ProfileType type, SpoolSlot slot, CaptureOutcome.Captured captured,
                              Duration took) {
        ProfilingTarget target = capture.target();
        CaptureReason reason = capture.reason();
        Instant triggerTime = capture.triggerTime();
        ProfileInsight insight = insights == null ? new ProfileInsight(capture.evidence(), null, null)
                : insights.inspect(target.pod(), type, captured.file(), capture.evidence());
        String key = keys.allocate(target.prefix(), triggerTime, target.service(), target.pod().name(), type);
        ObjectMetadata meta = ProfileKeys.metadata(new ProfileDescriptor(target.pod().name(),
                target.pod().namespace(), type, reason, triggerTime, target.service(), target.node(), target.labels()),
                insight.metadata());
        try {
            spool.commit(slot, new SpoolRecord(key, target.store(), meta.metadata(), meta.tags(),
                    target.configId(), target.store() instanceof StoreLocation.Directory ? insight.document() : null,
                    insight.grewLine()));
        } catch (SpoolFullException e) {
            spool.discard(slot);
            return spoolFull(target, type, e);
        } catch (IOException | RuntimeException e) {
            spool.discard(slot);
            metrics.error("spool");
            spoolFailure(target, type, "io", "Cannot write profiles to the spool directory " + spool.directory()
                    + " (committing " + type + " profile of " + target.pod() + "): " + e + "; captures fail until "
                    + "there is room again");
            return TypeResult.failed(type, "spool", e.getMessage());
        }
        metrics.captured(type, reason, took);
        metrics.droppedMetadataLabels(meta.droppedLabels().size());
        causes.success(subject(target, type), "Capturing " + type + " profiles of " + target.pod() + " works again");
        if (spoolFailed.remove(subject(target, type)) && spoolFailed.isEmpty()) {
            causes.success(SPOOL, "Writing to the spool directory " + spool.directory() + " works again");
        }
        spoolChanged.run();
        if (insights != null && insight.summary() != null) {
            insights.remember(target.pod(), reason, key, triggerTime, insight.summary());
        }
        return TypeResult.captured(type, key, captured.bytes(), insight);
    }

    private TypeResult spoolFull(ProfilingTarget target, ProfileType type, SpoolFullException e) {
        metrics.skipped("spool-full");
        spoolFailure(target, type, "full", "Spool " + spool.directory() + " has no room (" + e.getMessage()
                + "): captures are skipped until uploads catch up");
        return TypeResult.skipped(type, "spool-full");
    }

    /**
     * Logs a spool problem once for the whole agent (it is the node's disk, not the pod), and remembers which
     * (target, type) failed: only when all of them have committed again is the recovery logged, so small
     * profiles fitting between failures of a large one do not make the log flap.
     */
    private void spoolFailure(ProfilingTarget target, ProfileType type, String cause, String message) {
        spoolFailed.add(subject(target, type));
        causes.failure(SPOOL, cause, message);
    }

    private static String subject(ProfilingTarget target, ProfileType type) {
        return target.key() + "|" + type;
    }

    /** One line per stored profile: evidence → key → top → grew. */
    private static void log(ProfilingTarget target, CaptureReason reason, String detail, CaptureSummary summary) {
        String why = detail == null || detail.isBlank() ? "" : ", " + detail;
        for (TypeResult result : summary.results()) {
            if (!result.captured()) {
                continue;
            }
            // pod and namespace as key/value pairs too: LOG_FORMAT=json writes them as fields
            LOG.atInfo().addKeyValue("namespace", target.pod().namespace()).addKeyValue("pod", target.pod().name())
                    .addKeyValue("reason", reason.wireName())
                    .log("Captured {} of {} ({}{}) \u2192 {} \u2014 {}", result.type().wireName(), target.pod(), reason,
                            why, result.detail(), result.insight() == null ? "no summary" : result.insight().describe());
        }
    }

    /** Told when a capture of a target has finished (cluster mode folds this into the assignment status). */
    @FunctionalInterface
    public interface CaptureListener {
        void captureFinished(ProfilingTarget target, CaptureReason reason, CaptureSummary summary);

        CaptureListener NONE = (target, reason, summary) -> { };
    }
}
