package io.bolometer.coordinator.planning;

import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.ProfilingConfigStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Folds what the agents wrote into their assignments' status into one config's status: matched pods, nodes,
 * capture/upload/error counters summed over nodes, newest capture time, and the {@code Valid}/{@code Ready}
 * conditions (keeping {@code lastTransitionTime} while a condition's status is unchanged).
 */
public final class StatusAggregator {

    /**
     * @param selection what the config selects now (null when invalid)
     * @param assignments every assignment (the counters of this config are picked out by its id)
     * @param now the time for a condition that changes status
     */
    public ProfilingConfigStatus aggregate(ProfilingConfig config, Validation validation, ConfigSelection selection,
                                           Collection<ProfilingAssignment> assignments, Instant now) {
        String id = config.id();
        long generation = config.getMetadata().getGeneration() == null ? 0 : config.getMetadata().getGeneration();
        ProfilingConfigStatus status = new ProfilingConfigStatus();
        status.setObservedGeneration(generation);
        int pods = validation.valid() && selection != null ? selection.pods().size() : 0;
        int nodes = validation.valid() && selection != null ? selection.nodes().size() : 0;
        status.setMatchedPods(pods);
        status.setNodes(nodes);
        long captures = 0;
        long uploads = 0;
        long errors = 0;
        Instant last = null;
        for (ProfilingAssignment assignment : assignments) {
            ProfilingAssignmentStatus agent = assignment.getStatus();
            if (agent == null || agent.getConfigs() == null) {
                continue;
            }
            for (ProfilingAssignmentStatus.ConfigCounters counters : agent.getConfigs()) {
                if (!id.equals(counters.getConfig())) {
                    continue;
                }
                captures += value(counters.getCaptures());
                uploads += value(counters.getUploads());
                errors += value(counters.getErrors());
                Instant at = instant(counters.getLastCaptureTime());
                if (at != null && (last == null || at.isAfter(last))) {
                    last = at;
                }
            }
        }
        status.setCapturesTotal(captures);
        status.setUploadsTotal(uploads);
        status.setErrorsTotal(errors);
        status.setLastCaptureTime(last == null ? null : last.truncatedTo(ChronoUnit.SECONDS).toString());
        List<Condition> previous = config.getStatus() == null ? List.of() : config.getStatus().getConditions();
        List<Condition> conditions = new ArrayList<>();
        conditions.add(validation.valid()
                ? condition(previous, ProfilingConfigStatus.CONDITION_VALID, "True", "Valid", "The spec is valid", generation, now)
                : condition(previous, ProfilingConfigStatus.CONDITION_VALID, "False", validation.reason(),
                        "Invalid spec: " + validation.message(), generation, now));
        if (!validation.valid()) {
            conditions.add(condition(previous, ProfilingConfigStatus.CONDITION_READY, "False", "InvalidSpec",
                    "Nothing is assigned while the spec is invalid", generation, now));
        } else if (pods == 0) {
            conditions.add(condition(previous, ProfilingConfigStatus.CONDITION_READY, "False", "NoMatchingPods",
                    "No running pod with profiling.io/enabled=\"true\" matches the selector", generation, now));
        } else {
            conditions.add(condition(previous, ProfilingConfigStatus.CONDITION_READY, "True", "Assigned",
                    assignedMessage(pods, nodes), generation, now));
        }
        status.setConditions(conditions);
        return status;
    }

    /** e.g. {@code Assigned 14 pods on 3 nodes}. */
    public static String assignedMessage(int pods, int nodes) {
        return "Assigned " + pods + (pods == 1 ? " pod" : " pods") + " on " + nodes + (nodes == 1 ? " node" : " nodes");
    }

    private static Condition condition(List<Condition> previous, String type, String status, String reason,
                                       String message, long generation, Instant now) {
        String transition = previous.stream()
                .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime).filter(Objects::nonNull).findFirst()
                .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withObservedGeneration(generation).withLastTransitionTime(transition).build();
    }

    private static long value(Long v) {
        return v == null || v < 0 ? 0 : v;
    }

    private static Instant instant(String rfc3339) {
        if (rfc3339 == null || rfc3339.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(rfc3339);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
