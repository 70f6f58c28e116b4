package io.bolometer.coordinator.controller;

import io.bolometer.coordinator.kube.ClusterCache;
import io.bolometer.coordinator.kube.KubeWriter;
import io.bolometer.coordinator.metrics.CoordinatorMetrics;
import io.bolometer.coordinator.planning.AssignmentBudget;
import io.bolometer.coordinator.planning.AssignmentDiff;
import io.bolometer.coordinator.planning.AssignmentPlanner;
import io.bolometer.coordinator.planning.CaptureEvents;
import io.bolometer.coordinator.planning.Echo;
import io.bolometer.coordinator.planning.ConfigSelection;
import io.bolometer.coordinator.planning.Plan;
import io.bolometer.coordinator.planning.PlannerSettings;
import io.bolometer.coordinator.planning.PodInfo;
import io.bolometer.coordinator.planning.PodProblem;
import io.bolometer.coordinator.planning.SpecValidator;
import io.bolometer.coordinator.planning.StatusAggregator;
import io.bolometer.coordinator.planning.StatusAggregator.Trouble;
import io.bolometer.coordinator.planning.Validation;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.ProfilingConfigStatus;
import io.bolometer.model.v1alpha1.RecentCapture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over everything: validate every config, plan with the valid ones, apply the {@link AssignmentDiff}
 * between the plan and the server's assignments, fold agent status into each config and write the
 * statuses and Events that changed. Observe → validate → reconcile → status, as Flink's operator does.
 *
 * <p>Failures stay where they start: every write is tried on its own, and a failed one (a node's assignment, one
 * config's status, one Event) is counted, logged once and recorded on the configs it concerns ({@code Ready=False}
 * with the reason), while the pass goes on with every other node and config. Only losing the lease stops a pass.
 */
public final class Reconciler implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    /** Reason of the Warning Event on a pod whose {@code profiling.io/*} annotations can't be used. */
    public static final String INVALID_ANNOTATION = "InvalidAnnotation";
    /** Reason on {@code Ready} of a config whose targets on some node could not be written. */
    public static final String ASSIGNMENT_NOT_WRITTEN = "AssignmentNotWritten";
    /** Longest server message quoted in a condition or log line. */
    private static final int MAX_ERROR_LENGTH = 200;

    private final ClusterCache cache;
    private final KubeWriter writer;
    private final BooleanSupplier leading;
    private final CoordinatorMetrics metrics;
    private final Clock clock;
    private final SpecValidator validator;
    private final AssignmentPlanner planner;
    private final AssignmentBudget budget;
    /** Failures logged at WARN already; logged again only after they stopped and came back. */
    private final Set<String> loggedFailures = new HashSet<>();
    private final Set<String> failuresThisPass = new HashSet<>();
    private final StatusAggregator aggregator = new StatusAggregator();
    private final CaptureEvents captureEvents = new CaptureEvents();
    /** The last Event sent per config (reason + message), so a reconcile does not repeat it. */
    private final Map<String, String> lastEvent = new HashMap<>();
    private final Set<String> reportedProblems = new HashSet<>();

    public Reconciler(ClusterCache cache, KubeWriter writer, BooleanSupplier leading, PlannerSettings settings,
                      CoordinatorMetrics metrics, Clock clock) {
        this(cache, writer, leading, settings, metrics, clock, AssignmentBudget.DEFAULT_BUDGET_BYTES);
    }

    /** @param assignmentBudgetBytes the largest assignment spec written (JSON bytes), well below etcd's limit */
    public Reconciler(ClusterCache cache, KubeWriter writer, BooleanSupplier leading, PlannerSettings settings,
                      CoordinatorMetrics metrics, Clock clock, int assignmentBudgetBytes) {
        this.budget = new AssignmentBudget(assignmentBudgetBytes);
        this.cache = cache;
        this.writer = writer;
        this.leading = leading;
        this.metrics = metrics;
        this.clock = clock;
        this.validator = new SpecValidator(settings);
        this.planner = new AssignmentPlanner(settings);
    }

    @Override
    public void run() {
        Instant started = clock.instant();
        if (!leading.getAsBoolean() || !cache.synced()) {
            metrics.reconciled("skipped", Duration.ZERO);
            return;
        }
        try {
            failuresThisPass.clear();
            reconcile();
            loggedFailures.retainAll(failuresThisPass);
            if (failuresThisPass.isEmpty()) {
                metrics.reconciled("success", Duration.between(started, clock.instant()));
            } else {
                metrics.reconciled("error", Duration.between(started, clock.instant()));
                LOG.debug("Reconciled with {} failed writes; retrying at the next change or resync",
                        failuresThisPass.size());
            }
        } catch (KubeWriter.NotLeaderException e) {
            LOG.info("Stopped reconciling mid-way: this replica lost the lease");
            metrics.reconciled("skipped", Duration.between(started, clock.instant()));
        } catch (RuntimeException e) {
            metrics.kubeError();
            metrics.reconciled("error", Duration.between(started, clock.instant()));
            LOG.warn("Reconcile failed ({}); retrying at the next change or resync", e.toString());
        }
    }

    private void reconcile() {
        List<ProfilingConfig> configs = cache.configs();
        Map<String, Validation> validations = new LinkedHashMap<>();
        List<ProfilingConfig> valid = new ArrayList<>();
        for (ProfilingConfig config : configs) {
            Validation validation = validator.validate(config);
            validations.put(config.id(), validation);
            if (validation.valid()) {
                valid.add(config);
            }
        }
        Plan plan = planner.plan(valid, cache.pods(), cache.nodes());
        AssignmentBudget.Outcome budgeted = budget.apply(plan.assignments());
        Map<String, List<Trouble>> troubles = new HashMap<>();
        budgeted.leftOut().forEach((configId, messages) -> messages.forEach(message -> {
            troubles.computeIfAbsent(configId, id -> new ArrayList<>()).add(new Trouble(AssignmentBudget.REASON, message));
            failedOnce("budget|" + configId + "|" + message, "Left config {} out of a node: {}", configId, message);
        }));
        writeAssignments(budgeted.assignments(), troubles);
        reportProblems(plan.problems());
        List<ProfilingAssignment> assignments = cache.assignments();
        for (ProfilingConfig config : configs) {
            Validation validation = validations.get(config.id());
            ConfigSelection selection = plan.selections().get(config.id());
            ProfilingConfigStatus status = aggregator.aggregate(config, validation, selection, assignments,
                    troubles.getOrDefault(config.id(), List.of()), clock.instant());
            isolated("status of " + config.id(), () -> {
                if (!status.equals(config.getStatus())) {
                    writer.writeStatus(config, status);
                }
            });
            isolated("Event on " + config.id(), () -> emitEvent(config, validation, status));
        }
        emitCaptureEvents(assignments);
        lastEvent.keySet().retainAll(validations.keySet());
        metrics.assignedTargets(budgeted.assignments().values().stream().mapToInt(s -> s.getTargets().size()).sum());
    }

    /** Applies {@link AssignmentDiff#between} the plan and the server's assignments; each write on its own. */
    private void writeAssignments(Map<String, ProfilingAssignmentSpec> wantedByNode, Map<String, List<Trouble>> troubles) {
        Map<String, ProfilingAssignmentSpec> current = new HashMap<>();
        for (ProfilingAssignment assignment : cache.assignments()) {
            current.put(assignment.getMetadata().getName(), assignment.getSpec());
        }
        AssignmentDiff diff = AssignmentDiff.between(wantedByNode, current);
        diff.create().forEach((node, spec) -> assign(node, spec, troubles, () -> writer.createAssignment(node, spec)));
        diff.replace().forEach((node, spec) -> assign(node, spec, troubles, () -> writer.replaceAssignmentSpec(node, spec)));
        for (String node : diff.delete()) {
            isolated("deletion of the assignment of node " + node, () -> {
                writer.deleteAssignment(node);
                LOG.info("Removed the assignment of node {}: no pods to profile there", node);
            });
        }
    }

    private void assign(String node, ProfilingAssignmentSpec spec, Map<String, List<Trouble>> troubles, Runnable write) {
        String error = isolated("assignment of node " + node, () -> {
            write.run();
            LOG.info("Assigned {} pods on node {}", spec.getTargets().size(), node);
        });
        if (error != null) {
            for (var config : spec.getConfigs()) {
                troubles.computeIfAbsent(config.id(), id -> new ArrayList<>()).add(new Trouble(
                        ASSIGNMENT_NOT_WRITTEN, "the assignment of node " + node + " could not be written: " + error));
            }
        }
    }

    /**
     * Runs one write on its own: a failure is counted, logged once (until it recovers) and returned as a short
     * message, never thrown, so the pass goes on. Losing the lease still ends the pass.
     *
     * @return null when it worked, else the cut error message
     */
    private String isolated(String what, Runnable write) {
        try {
            write.run();
            return null;
        } catch (KubeWriter.NotLeaderException e) {
            throw e;
        } catch (RuntimeException e) {
            metrics.kubeError();
            String error = Echo.cut(String.valueOf(e.getMessage()).replaceAll("\\s+", " "), MAX_ERROR_LENGTH);
            failedOnce(what, "Could not write the {}: {}; going on with the rest", what, error);
            return error;
        }
    }

    private void failedOnce(String key, String format, Object... arguments) {
        failuresThisPass.add(key);
        if (loggedFailures.add(key)) {
            LOG.warn(format, arguments);
        } else {
            LOG.debug(format, arguments);
        }
    }

    private void emitEvent(ProfilingConfig config, Validation validation, ProfilingConfigStatus status) {
        String type;
        String reason;
        String message;
        if (!validation.valid()) {
            type = "Warning";
            reason = validation.reason();
            message = "Invalid spec: " + validation.message();
        } else {
            type = "Normal";
            reason = "Assigned";
            message = status.getConditions().stream().filter(c -> ProfilingConfigStatus.CONDITION_READY.equals(c.getType()))
                    .map(c -> c.getMessage()).findFirst().orElse("");
        }
        String key = reason + "|" + message;
        if (!Objects.equals(lastEvent.get(config.id()), key)) {
            writer.event(config, type, reason, message);
            lastEvent.put(config.id(), key);
        }
    }

    /**
     * One {@value CaptureEvents#REASON} Event per threshold or requested capture the agents list, within
     * {@link CaptureEvents}' bounds; each send on its own (a failure is retried at the next pass, a 409 means it
     * was sent already), so neither a slow nor a refusing API server holds up more than this bounded batch.
     */
    private void emitCaptureEvents(List<ProfilingAssignment> assignments) {
        List<RecentCapture> listed = assignments.stream()
                .filter(a -> a.getStatus() != null && a.getStatus().getConfigs() != null)
                .flatMap(a -> a.getStatus().getConfigs().stream())
                .filter(c -> c != null && c.getRecentCaptures() != null)
                .flatMap(c -> c.getRecentCaptures().stream()).filter(Objects::nonNull).toList();
        CaptureEvents.Decision decision = captureEvents.due(listed, clock.instant());
        if (decision.dropped() > 0) {
            metrics.captureEvents("dropped", decision.dropped());
            LOG.debug("Left {} ProfileCaptured Events out: over the rate bound", decision.dropped());
        }
        if (decision.events().isEmpty()) {
            return;
        }
        Map<String, PodInfo> pods = new HashMap<>();
        cache.pods().forEach(pod -> pods.put(pod.id(), pod));
        for (CaptureEvents.CaptureEvent event : decision.events()) {
            PodInfo pod = pods.get(event.namespace() + "/" + event.pod());
            boolean[] created = new boolean[1];
            String failed = isolated("ProfileCaptured Event on pod " + event.namespace() + "/" + event.pod(),
                    () -> created[0] = writer.namedPodEvent(event.namespace(), event.pod(),
                            pod == null ? null : pod.uid(), event.name(), CaptureEvents.REASON, event.message()));
            if (failed != null) {
                captureEvents.failed(event);
                metrics.captureEvents("failed", 1);
            } else {
                metrics.captureEvents(created[0] ? "sent" : "exists", 1);
            }
        }
    }

    /**
     * Logs each pod problem once and tells the pod's owner with one Warning Event ({@value #INVALID_ANNOTATION}) on
     * the pod, again only when the problem changes (a new annotation value) or after a coordinator restart.
     */
    private void reportProblems(List<PodProblem> problems) {
        Map<String, List<String>> configsByProblem = new TreeMap<>();
        for (PodProblem problem : problems) {
            configsByProblem.computeIfAbsent(problem.podId() + "|" + problem.message(), k -> new ArrayList<>())
                    .add(problem.configId());
        }
        reportedProblems.retainAll(configsByProblem.keySet());
        if (configsByProblem.keySet().stream().allMatch(reportedProblems::contains)) {
            return;
        }
        Map<String, PodInfo> pods = new HashMap<>();
        cache.pods().forEach(pod -> pods.put(pod.id(), pod));
        for (Map.Entry<String, List<String>> entry : configsByProblem.entrySet()) {
            if (reportedProblems.contains(entry.getKey())) {
                continue;
            }
            String podId = entry.getKey().substring(0, entry.getKey().indexOf('|'));
            String message = entry.getKey().substring(podId.length() + 1);
            String configs = String.join(", ", entry.getValue());
            LOG.warn("Not profiling pod {} for config {}: {}", podId, configs, message);
            PodInfo pod = pods.get(podId);
            String failed = pod == null ? null : isolated("Event on pod " + podId, () -> writer.podEvent(pod.namespace(),
                    pod.name(), pod.uid(), "Warning", INVALID_ANNOTATION,
                    "Not profiled for ProfilingConfig " + configs + ": " + message));
            if (failed == null) {
                reportedProblems.add(entry.getKey());
            }
        }
    }
}
