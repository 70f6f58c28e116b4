package io.bolometer.agent.runtime;

import io.bolometer.agent.insight.Baseline;
import io.bolometer.agent.insight.BaselineStore;
import io.bolometer.agent.insight.Comparison;
import io.bolometer.agent.insight.ProfileSummarizer;
import io.bolometer.agent.insight.ProfileSummary;
import io.bolometer.agent.insight.SummaryDiff;
import io.bolometer.agent.insight.TriggerEvidence;
import io.bolometer.agent.metrics.CauseLog;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.model.CaptureReason;
import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Summarizes each validated profile, compares it with the pod's baseline, and keeps periodic (and baseline)
 * summaries as the next baseline; blocking, so callers run it off the event loop.
 *
 * <p>Only periodic and baseline captures become baselines: a hot capture is then always compared with a moment
 * before the spike ("what grew vs before"), never with the previous hot capture.
 */
public final class ProfileInsights {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileInsights.class);

    private static final String STORE = "baseline-store";

    private final ProfileSummarizer summarizer;
    private final BaselineStore baselines;
    // one line per episode: a full disk would otherwise log once per profile
    private final CauseLog causes = new CauseLog(LOG);

    public ProfileInsights(ProfileSummarizer summarizer, BaselineStore baselines) {
        this.summarizer = summarizer;
        this.baselines = baselines;
    }

    /** Opens (or creates) the baseline store in {@code directory}, bounded by the store's defaults. */
    public static ProfileInsights open(Path directory, long maxDecompressedBytes) throws IOException {
        return new ProfileInsights(new ProfileSummarizer(ProfileSummarizer.DEFAULT_MAX_ENTRIES, maxDecompressedBytes),
                BaselineStore.open(directory, BaselineStore.DEFAULT_MAX_ENTRIES, BaselineStore.DEFAULT_MAX_BYTES));
    }

    /**
     * Summarizes {@code file} and compares it with the pod's baseline. A profile that cannot be summarized (or a
     * baseline that cannot be read) is logged and leaves only the evidence: the capture itself is not lost.
     */
    public ProfileInsight inspect(PodRef pod, ProfileType type, Path file, TriggerEvidence evidence) {
        long started = System.nanoTime();
        ProfileSummary summary;
        try {
            summary = summarizer.summarize(type, file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot summarize the {} profile of {}: {}; it is stored without a summary", type, pod,
                    e.getMessage());
            return new ProfileInsight(evidence, null, null);
        }
        Comparison comparison = compare(pod, summary);
        LOG.debug("Summarized the {} profile of {} in {} ms", type, pod, (System.nanoTime() - started) / 1_000_000);
        return new ProfileInsight(evidence, summary, comparison);
    }

    /** The pod's baseline for this summary's type, if one is kept. */
    public Optional<Baseline> baseline(PodRef pod, ProfileType type) {
        try {
            return baselines.latest(pod, type);
        } catch (IOException e) {
            causes.failure(STORE, "read", "Cannot read baselines (" + type + " of " + pod + "): " + e.getMessage()
                    + "; summaries say there is no baseline until it works again");
            return Optional.empty();
        }
    }

    /** Keeps {@code summary} as the pod's baseline when captures for {@code reason} serve as baselines. */
    public void remember(PodRef pod, CaptureReason reason, String key, Instant time, ProfileSummary summary) {
        if (reason == CaptureReason.ON_DEMAND) {
            keep(pod, key, time, summary);
        }
    }

    /** Keeps {@code summary} as the pod's baseline for its type (baseline captures, which are never stored). */
    public void keep(PodRef pod, String key, Instant time, ProfileSummary summary) {
        try {
            if (!baselines.record(pod, new Baseline(key, time, summary))) {
                LOG.debug("Did not keep the {} baseline of {}: a newer one is kept or it does not fit", summary.type(),
                        pod);
            }
            causes.success(STORE, "Keeping baselines works again");
        } catch (IOException e) {
            causes.failure(STORE, "write", "Cannot keep baselines (" + summary.type() + " of " + pod + "): "
                    + e.getMessage() + "; hot captures are compared with older baselines until it works again");
        }
    }

    /** Summarizes a profile without comparing it (baseline captures). */
    public Optional<ProfileSummary> summarize(PodRef pod, ProfileType type, Path file) {
        try {
            return Optional.of(summarizer.summarize(type, file));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot summarize the {} baseline profile of {}: {}", type, pod, e.getMessage());
            return Optional.empty();
        }
    }

    private Comparison compare(PodRef pod, ProfileSummary summary) {
        Baseline baseline = baseline(pod, summary.type()).orElse(null);
        try {
            return SummaryDiff.compare(baseline, summary);
        } catch (IllegalArgumentException e) {
            // a baseline of another sample type (e.g. a heap profile without inuse_space): nothing to compare
            return new Comparison.NoBaseline();
        }
    }
}
