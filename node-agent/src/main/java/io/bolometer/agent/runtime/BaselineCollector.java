package io.bolometer.agent.runtime;

import io.bolometer.agent.capture.CaptureOutcome;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.trigger.CaptureGate;
import io.bolometer.model.ProfileKeys;
import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes baseline profiles ({@code spec.baseline}): a one-second CPU profile and a heap profile of a pod, each
 * summarized and kept as the pod's baseline, then deleted — never spooled, stored or counted as a capture.
 */
public final class BaselineCollector {
    private static final Logger LOG = LoggerFactory.getLogger(BaselineCollector.class);
    /** Low duty: one second of CPU profiling per baseline interval (an hour by default). */
    static final int CPU_SECONDS = 1;
    private static final List<ProfileType> TYPES = List.of(ProfileType.CPU, ProfileType.HEAP);

    private final ProfileSource source;
    private final Path scratch;
    private final ProfileInsights insights;
    private final ProfileCollector collector;
    private final Executor settling;

    /**
     * @param scratch where fetched baseline profiles wait to be summarized; files ending in {@code .tmp}, which
     *     the baseline store deletes at start if a crash left any
     * @param collector whose one-capture-per-pod gate baselines share, so they never overlap a real capture
     */
    public BaselineCollector(ProfileSource source, Path scratch, ProfileInsights insights, ProfileCollector collector,
                             Executor settling) {
        this.source = source;
        this.scratch = scratch;
        this.insights = insights;
        this.collector = collector;
        this.settling = settling;
    }

    /**
     * Takes the baseline profiles of {@code target} now, one type after the other, unless another capture of the
     * pod runs (then this round is skipped: the next interval tries again).
     *
     * @return completes when done; false when skipped
     */
    public CompletableFuture<Boolean> start(ProfilingTarget target, Instant now) {
        PodRef pod = target.pod();
        CaptureGate<PodRef> gate = collector.gate();
        if (!collector.accepting() || !gate.tryAcquire(pod)) {
            LOG.debug("Skipped the baseline profiles of {}: another capture of the pod is running", pod);
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (ProfileType type : TYPES) {
            if (target.settings().profileTypes().contains(type)) {
                chain = chain.thenCompose(done -> takeOne(target, type, now));
            }
        }
        return chain.handle((done, error) -> {
            gate.release(pod);
            return true;
        });
    }

    private CompletableFuture<Void> takeOne(ProfilingTarget target, ProfileType type, Instant now) {
        Path file;
        try {
            Files.createDirectories(scratch);
            file = Files.createTempFile(scratch, "baseline-", ".pprof.tmp");
        } catch (IOException e) {
            LOG.warn("Cannot take a {} baseline of {}: {}", type, target.pod(), e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<CaptureOutcome> outcome;
        try {
            outcome = source.capture(target.baseUrl(), target.pprofPath(), type, CPU_SECONDS, file);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        return outcome.handleAsync((result, error) -> {
            try {
                if (result instanceof CaptureOutcome.Captured captured) {
                    insights.summarize(target.pod(), type, captured.file()).ifPresent(summary -> {
                        insights.keep(target.pod(), localKey(target.pod(), type, now), now, summary);
                        LOG.debug("Kept a {} baseline of {}", type, target.pod());
                    });
                } else {
                    LOG.debug("No {} baseline of {}: {}", type, target.pod(), error != null ? error : result);
                }
            } finally {
                deleteQuietly(file);
            }
            return null;
        }, settling);
    }

    /** The name a baseline is known by in summaries: it is never an object, so it is no object key. */
    static String localKey(PodRef pod, ProfileType type, Instant time) {
        return "local:" + pod.namespace() + "/" + pod.name() + "/" + type.wireName() + "@"
                + ProfileKeys.timestamp(time);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("Could not delete {}: {}", file, e.getMessage());
        }
    }
}
