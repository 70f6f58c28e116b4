package io.bolometer.coordinator.planning;

import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus.ConfigCounters;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.ProfilingConfigStatus;
import io.bolometer.model.v1alpha1.RecentCapture;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Folds what the agents wrote into their assignments' status into one config's status: matched pods, nodes,
 * capture/upload/error counters summed over nodes, newest capture time, the newest captures stored (Insight),
 * and the {@code Valid}/{@code Ready}
 * conditions (keeping {@code lastTransitionTime} while a condition's status is unchanged).
 */
public final class StatusAggregator {
    public static final String REASON_VALID = "Valid";
    public static final String REASON_ASSIGNED = "Assigned";
    public static final String REASON_NO_MATCHING_PODS = "NoMatchingPods";
    public static final String REASON_INVALID_SPEC = SpecValidator.INVALID_SPEC;
    private static final String TRUE = "True";
    private static final String FALSE = "False";

    /**
     * @param selection what the config selects now (null when invalid)
     * @param assignments every assignment (the counters of this config are picked out by its id)
     * @param now the time for a condition that changes status
     */
    public ProfilingConfigStatus aggregate(ProfilingConfig config, Validation validation, ConfigSelection selection,
                                           Collection<ProfilingAssignment> assignments, Instant now) {
        return aggregate(config, validation, selection, assignments, List.of(), now);
    }

    /**
     * @param troubles what went wrong for this config alone in this pass (a node's assignment over budget or not
     *                 written): {@code Ready=False} with the first one's reason, the others only counted
     */
    public ProfilingConfigStatus aggregate(ProfilingConfig config, Validation validation, ConfigSelection selection,
                                           Collection<ProfilingAssignment> assignments, List<Trouble> troubles,
                                           Instant now) {
        Objects.requireNonNull(validation, "validation");
        ProfilingConfigStatus previous = config.getStatus();
        Long generation = config.getMetadata().getGeneration();
        boolean valid = validation.valid();
        int pods = valid && selection != null ? selection.pods().size() : 0;
        int nodes = valid && selection != null ? selection.nodes().size() : 0;

        ProfilingConfigStatus status = new ProfilingConfigStatus();
        status.setObservedGeneration(generation);
        status.setMatchedPods(pods);
        status.setNodes(nodes);
        List<ConfigCounters> counters = countersOf(config.id(), assignments);
        status.setCapturesTotal(counters.stream().mapToLong(c -> orZero(c.getCaptures())).sum());
        status.setUploadsTotal(counters.stream().mapToLong(c -> orZero(c.getUploads())).sum());
        status.setErrorsTotal(counters.stream().mapToLong(c -> orZero(c.getErrors())).sum());
        status.setLastCaptureTime(lastCaptureTime(previous, counters));
        status.setRecentCaptures(recentCaptures(previous, counters));

        String transition = now.truncatedTo(ChronoUnit.SECONDS).toString();
        Condition validCondition = valid
                ? condition(ProfilingConfigStatus.CONDITION_VALID, TRUE, REASON_VALID, "The spec is valid")
                : condition(ProfilingConfigStatus.CONDITION_VALID, FALSE, validation.reason(), validation.message());
        Condition readyCondition;
        if (!valid) {
            readyCondition = condition(ProfilingConfigStatus.CONDITION_READY, FALSE, REASON_INVALID_SPEC,
                    "Invalid spec: " + validation.message());
        } else if (!troubles.isEmpty()) {
            readyCondition = condition(ProfilingConfigStatus.CONDITION_READY, FALSE, troubles.get(0).reason(),
                    troubles.get(0).message() + (troubles.size() == 1 ? ""
                            : " (and " + (troubles.size() - 1) + " more problems on other nodes)"));
        } else if (pods == 0) {
            readyCondition = condition(ProfilingConfigStatus.CONDITION_READY, FALSE, REASON_NO_MATCHING_PODS,
                    "No running pod annotated profiling.io/enabled=true matches the selector");
        } else {
            readyCondition = condition(ProfilingConfigStatus.CONDITION_READY, TRUE, REASON_ASSIGNED,
                    "Assigned " + count(pods, "pod") + " on " + count(nodes, "node"));
        }
        status.setConditions(List.of(
                stamped(validCondition, previous, generation, transition),
                stamped(readyCondition, previous, generation, transition)));
        return status;
    }

    /** Something that kept this config from being fully assigned: a condition reason and a message naming the node. */
    public record Trouble(String reason, String message) {
    }

    private static List<ConfigCounters> countersOf(String configId, Collection<ProfilingAssignment> assignments) {
        return assignments.stream()
                .filter(a -> a.getStatus() != null && a.getStatus().getConfigs() != null)
                .flatMap(a -> a.getStatus().getConfigs().stream())
                .filter(c -> c != null && configId.equals(c.getConfig()))
                .toList();
    }

    /**
     * The newest capture on any node, never older than the one already reported: a node that went away takes its
     * counters along, but the last capture did happen.
     */
    private static String lastCaptureTime(ProfilingConfigStatus previous, List<ConfigCounters> counters) {
        Optional<Instant> newest = counters.stream().map(ConfigCounters::getLastCaptureTime)
                .map(StatusAggregator::parse).flatMap(Optional::stream).max(Instant::compareTo);
        Optional<Instant> before = previous == null ? Optional.empty() : parse(previous.getLastCaptureTime());
        if (before.isPresent() && (newest.isEmpty() || before.get().isAfter(newest.get()))) {
            newest = before;
        }
        return newest.map(Instant::toString).orElse(null);
    }

    /**
     * The newest {@value RecentCapture#MAX_ENTRIES} profiles stored for this config on any node, newest first (by
     * capture time, then URI), each once; those already reported stay until newer ones push them out, so a node
     * that went away does not take its captures off the list. Null when there are none.
     */
    static List<RecentCapture> recentCaptures(ProfilingConfigStatus previous, List<ConfigCounters> counters) {
        Map<String, RecentCapture> byUri = new LinkedHashMap<>();
        counters.stream().filter(c -> c.getRecentCaptures() != null).flatMap(c -> c.getRecentCaptures().stream())
                .filter(StatusAggregator::listable).forEach(e -> byUri.putIfAbsent(e.getUri(), e));
        if (previous != null && previous.getRecentCaptures() != null) {
            previous.getRecentCaptures().stream().filter(StatusAggregator::listable)
                    .forEach(e -> byUri.putIfAbsent(e.getUri(), e));
        }
        List<RecentCapture> newest = byUri.values().stream()
                .sorted(Comparator.comparing((RecentCapture e) -> parse(e.getTime()).orElse(Instant.EPOCH))
                        .thenComparing(RecentCapture::getUri).reversed())
                .limit(RecentCapture.MAX_ENTRIES).toList();
        return newest.isEmpty() ? null : newest;
    }

    private static boolean listable(RecentCapture entry) {
        return entry != null && entry.getUri() != null && !entry.getUri().isBlank();
    }

    /** An RFC 3339 time as an instant; empty when blank or unreadable. */
    static Optional<Instant> parse(String time) {
        if (time == null || time.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(time).toInstant());
        } catch (DateTimeParseException unreadable) {
            // An agent wrote something that isn't RFC 3339; it doesn't get to hide the other nodes' times.
            return Optional.empty();
        }
    }

    private static Condition condition(String type, String status, String reason, String message) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message).build();
    }

    /** Adds generation and transition time, keeping the previous time while the status stays the same. */
    private static Condition stamped(Condition condition, ProfilingConfigStatus previous, Long generation,
                                     String now) {
        String since = previous == null || previous.getConditions() == null ? null : previous.getConditions().stream()
                .filter(c -> c != null && condition.getType().equals(c.getType())
                        && condition.getStatus().equals(c.getStatus()) && c.getLastTransitionTime() != null)
                .map(Condition::getLastTransitionTime).findFirst().orElse(null);
        return new ConditionBuilder(condition).withObservedGeneration(generation)
                .withLastTransitionTime(since == null ? now : since).build();
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
