package io.bolometer.agent.cluster;

import io.bolometer.agent.runtime.CaptureSummary;
import io.bolometer.agent.runtime.ProfileCollector;
import io.bolometer.agent.runtime.TypeResult;
import io.bolometer.agent.metrics.CauseLog;
import io.bolometer.agent.spool.SpooledProfile;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.upload.UploadListener;
import io.bolometer.model.CaptureReason;
import io.bolometer.model.v1alpha1.AssignedConfig;
import io.bolometer.model.v1alpha1.AssignedTarget;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus.ConfigCounters;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus.TargetState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds captures and uploads into the node's {@code ProfilingAssignment} status: counters per config, last error,
 * last capture and handled capture token per pod, written at most once per interval and only when changed.
 *
 * <p>Counters and handled capture tokens survive restarts: a restarted agent (container restart, replaced pod)
 * continues the counters it finds in the status, so {@code kubectl get pcfg} never counts backwards, and a token
 * handled by a previous run (per the status, or the spool volume's {@link HandledTokenFile} when the status was
 * not written yet) is not captured again.
 */
public final class AssignmentStatusReporter implements ProfileCollector.CaptureListener, UploadListener {

    /** The contract's coalescing interval for status writes. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    private static final int MAX_ERROR_LENGTH = 256;
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentStatusReporter.class);

    /** Writes a status onto the named assignment through the status subresource. */
    @FunctionalInterface
    public interface StatusWriter {
        void write(String assignmentName, ProfilingAssignmentStatus status) throws Exception;
    }

    /** What a {@link #tick()} did. */
    public enum Tick { NOTHING_OBSERVED, TOO_SOON, UNCHANGED, WRITTEN, FAILED }

    private static final class Counters {
        long captures;
        long uploads;
        long errors;
        Instant lastCapture;
    }

    private static final class PodState {
        String lastError;
        Instant lastErrorTime;
        Instant lastCapture;
        String handledToken;
    }

    private final StatusWriter writer;
    private final Clock clock;
    private final Duration interval;
    private final HandledTokenFile tokenFile;
    private final CauseLog causes = new CauseLog(LOG);
    // Guarded by this.
    private final Map<String, Counters> configs = new HashMap<>();
    private final Map<String, PodState> pods = new HashMap<>();
    private final RecentCaptures recent = new RecentCaptures();
    private String name;
    private String uid;
    private Long generation;
    private List<String> configIds = List.of();
    private List<String> podIds = List.of();
    private ProfilingAssignmentStatus lastWritten;
    private Instant lastWriteAt;

    public AssignmentStatusReporter(StatusWriter writer, Clock clock, Duration interval) {
        this(writer, clock, interval, null);
    }

    /** With {@code tokens}: handled capture tokens are also kept there, and read back from it first. */
    AssignmentStatusReporter(StatusWriter writer, Clock clock, Duration interval, HandledTokenFile tokens) {
        this.writer = writer;
        this.clock = clock;
        this.interval = interval;
        this.tokenFile = tokens;
        if (tokens != null) {
            tokens.load().forEach((pod, token) -> pods.computeIfAbsent(pod, p -> new PodState()).handledToken = token);
        }
    }

    /** Takes in the assignment as last seen (null when there is none): what to report on, and handled tokens. */
    public synchronized void observe(ProfilingAssignment assignment) {
        if (assignment == null || assignment.getSpec() == null) {
            name = null;
            return;
        }
        name = assignment.getMetadata().getName();
        if (!Objects.equals(uid, assignment.getMetadata().getUid())) {
            // A new object (deleted and created again) has none of what we wrote to the old one.
            uid = assignment.getMetadata().getUid();
            lastWritten = null;
        }
        generation = assignment.getMetadata().getGeneration();
        configIds = nullSafe(assignment.getSpec().getConfigs()).stream().map(AssignedConfig::id)
                .collect(Collectors.toCollection(TreeSet::new)).stream().toList();
        podIds = nullSafe(assignment.getSpec().getTargets()).stream().map(AssignmentStatusReporter::podId)
                .collect(Collectors.toCollection(TreeSet::new)).stream().toList();
        pods.keySet().retainAll(podIds);
        recent.retain(new java.util.HashSet<>(configIds));
        continueCounters(assignment.getStatus());
        AssignmentTargets.statusTokens(assignment.getStatus()).forEach((pod, token) -> {
            if (podIds.contains(pod)) {
                PodState state = pods.computeIfAbsent(pod, p -> new PodState());
                if (state.handledToken == null) {
                    state.handledToken = token;
                }
            }
        });
    }

    /** Takes over the counters a previous run wrote for configs this run has not counted yet. */
    private void continueCounters(ProfilingAssignmentStatus status) {
        if (status == null || status.getConfigs() == null) {
            return;
        }
        for (ConfigCounters written : status.getConfigs()) {
            if (written.getConfig() == null || configs.containsKey(written.getConfig())
                    || !configIds.contains(written.getConfig())) {
                continue;
            }
            recent.continueFrom(written.getConfig(), written.getRecentCaptures());
            Counters counters = new Counters();
            counters.captures = nonNegative(written.getCaptures());
            counters.uploads = nonNegative(written.getUploads());
            counters.errors = nonNegative(written.getErrors());
            counters.lastCapture = parseTime(written.getLastCaptureTime());
            configs.put(written.getConfig(), counters);
        }
    }

    private static long nonNegative(Long value) {
        return value == null || value < 0 ? 0 : value;
    }

    private static Instant parseTime(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** The capture token this run (or, per the status, a previous run) handled last, per pod {@code ns/name}. */
    public synchronized Map<String, String> handledTokens() {
        Map<String, String> tokens = new HashMap<>();
        pods.forEach((pod, state) -> {
            if (state.handledToken != null) {
                tokens.put(pod, state.handledToken);
            }
        });
        return tokens;
    }

    @Override
    public synchronized void captureFinished(ProfilingTarget target, CaptureReason reason, CaptureSummary summary) {
        Instant now = clock.instant();
        Counters counters = configs.computeIfAbsent(target.configId(), c -> new Counters());
        PodState pod = pods.computeIfAbsent(target.pod().toString(), p -> new PodState());
        counters.captures += summary.capturedCount();
        counters.errors += summary.failedCount();
        if (summary.capturedCount() > 0) {
            counters.lastCapture = now;
            pod.lastCapture = now;
        }
        if (summary.failedCount() > 0) {
            pod.lastError = truncate(summary.results().stream().filter(r -> "failed".equals(r.outcome()))
                    .map(AssignmentStatusReporter::describe).collect(Collectors.joining("; ")));
            pod.lastErrorTime = now;
        }
        if (reason == CaptureReason.REQUESTED && target.captureToken() != null) {
            // Handled even when the capture failed: the error is reported, and a retry needs a new token.
            pod.handledToken = target.captureToken();
            if (tokenFile != null) {
                tokenFile.save(handledTokens());
            }
        }
    }

    @Override
    public void uploaded(SpooledProfile profile, Duration took) {
        uploaded(profile, profile.record().objectKey(), took);
    }

    /** Counts the upload and lists the profile, under the key actually written, among the config's recent captures. */
    @Override
    public synchronized void uploaded(SpooledProfile profile, String storedKey, Duration took) {
        String source = profile.record().source();
        if (source != null) {
            configs.computeIfAbsent(source, c -> new Counters()).uploads++;
            if (configIds.contains(source)) {
                recent.stored(profile.record(), storedKey);
            }
        }
    }

    @Override
    public synchronized void failed(SpooledProfile profile, Throwable cause, int attempt) {
        String source = profile.record().source();
        if (source != null) {
            configs.computeIfAbsent(source, c -> new Counters()).errors++;
        }
        Map<String, String> metadata = profile.record().metadata();
        String pod = metadata.get("pod-namespace") + "/" + metadata.get("pod-name");
        if (podIds.contains(pod)) {
            PodState state = pods.computeIfAbsent(pod, p -> new PodState());
            state.lastError = truncate("upload to " + profile.record().store() + ": " + cause.getMessage());
            state.lastErrorTime = clock.instant();
        }
    }

    /** The status as it should read now, or null when there is no assignment to write it to. */
    public synchronized ProfilingAssignmentStatus status() {
        if (name == null) {
            return null;
        }
        ProfilingAssignmentStatus status = new ProfilingAssignmentStatus();
        status.setObservedGeneration(generation);
        List<ConfigCounters> counters = new ArrayList<>();
        for (String id : configIds) {
            Counters c = configs.getOrDefault(id, new Counters());
            ConfigCounters written = new ConfigCounters(id, c.captures, c.uploads, c.errors, time(c.lastCapture));
            written.setRecentCaptures(recent.of(id));
            counters.add(written);
        }
        status.setConfigs(counters);
        List<TargetState> targets = new ArrayList<>();
        for (String id : podIds) {
            PodState p = pods.get(id);
            if (p == null) {
                continue;
            }
            TargetState state = new TargetState();
            state.setPod(id);
            state.setLastError(p.lastError);
            state.setLastErrorTime(time(p.lastErrorTime));
            state.setLastCaptureTime(time(p.lastCapture));
            state.setHandledCaptureToken(p.handledToken);
            targets.add(state);
        }
        status.setTargets(targets);
        return status;
    }

    /** Writes the status when it changed and the last write is at least one interval ago; never throws. */
    public Tick tick() {
        return write(false);
    }

    /** Writes the status now if it changed, regardless of the interval (on shutdown). */
    public Tick flush() {
        return write(true);
    }

    private Tick write(boolean force) {
        String target;
        ProfilingAssignmentStatus status;
        Instant now = clock.instant();
        synchronized (this) {
            status = status();
            if (status == null) {
                return Tick.NOTHING_OBSERVED;
            }
            if (status.equals(lastWritten)) {
                return Tick.UNCHANGED;
            }
            if (!force && lastWriteAt != null && now.isBefore(lastWriteAt.plus(interval))) {
                return Tick.TOO_SOON;
            }
            target = name;
        }
        try {
            writer.write(target, status);
        } catch (Exception e) {
            causes.failure("status", e.getClass().getSimpleName(), "Cannot write the status of ProfilingAssignment "
                    + target + " (" + e.getMessage() + "); retrying at the next tick");
            return Tick.FAILED;
        }
        causes.success("status", "Writing the status of ProfilingAssignment " + target + " works again");
        synchronized (this) {
            lastWritten = status;
            lastWriteAt = now;
        }
        LOG.debug("Wrote the status of ProfilingAssignment {}", target);
        return Tick.WRITTEN;
    }

    private static String describe(TypeResult result) {
        return result.type().wireName() + ": " + result.detail();
    }

    private static String truncate(String text) {
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH - 1) + "…";
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static <T> List<T> nullSafe(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String podId(AssignedTarget target) {
        return target.getNamespace() + "/" + target.getName();
    }
}
