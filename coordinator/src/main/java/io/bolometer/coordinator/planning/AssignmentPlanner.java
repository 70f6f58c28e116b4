package io.bolometer.coordinator.planning;

import io.bolometer.coordinator.planning.PodAnnotationsParser.Result;
import io.bolometer.model.v1alpha1.AssignedTarget;
import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides which pods each valid config selects and builds the desired {@code ProfilingAssignment} spec of every
 * node: pure, deterministic (equal input gives equal output, sorted), no clients.
 */
public final class AssignmentPlanner {
    /** Namespace, then name: the order of targets, pods in selections and configs everywhere in a plan. */
    public static final Comparator<PodInfo> POD_ORDER =
            Comparator.comparing(PodInfo::namespace).thenComparing(PodInfo::name).thenComparing(PodInfo::uid,
                    Comparator.nullsFirst(Comparator.naturalOrder()));
    private static final Comparator<ProfilingConfig> CONFIG_ORDER =
            Comparator.comparing((ProfilingConfig c) -> c.getMetadata().getNamespace())
                    .thenComparing(c -> c.getMetadata().getName());

    static final String HOST_NETWORK_PROBLEM = "a pod with hostNetwork: true is profiled only in the coordinator's"
            + " namespace (its IP is the node's own address)";
    private final PlannerSettings settings;

    public AssignmentPlanner(PlannerSettings settings) {
        this.settings = settings;
    }

    /**
     * @param validConfigs configs that passed {@link SpecValidator} (invalid ones are left out by the caller)
     * @param pods the pod cache
     * @param nodes node allocatable by node name (a pod on a node missing here still gets a target, without the
     *              allocatable fallback)
     */
    public Plan plan(Collection<ProfilingConfig> validConfigs, Collection<PodInfo> pods, Map<String, NodeInfo> nodes) {
        List<Candidate> ordered = profilable(pods);
        Map<String, List<Candidate>> byNamespace = new HashMap<>();
        for (Candidate candidate : ordered) {
            byNamespace.computeIfAbsent(candidate.pod.namespace(), ns -> new ArrayList<>()).add(candidate);
        }
        Map<String, ConfigSelection> selections = new TreeMap<>();
        Map<String, ProfilingConfig> configsById = new HashMap<>();
        List<PodProblem> problems = new ArrayList<>();

        for (ProfilingConfig config : validConfigs.stream().sorted(CONFIG_ORDER).toList()) {
            String configId = config.id();
            if (configsById.putIfAbsent(configId, config) != null) {
                continue;
            }
            PodSelector selector = PodSelector.of(config, settings);
            List<String> selectedPods = new ArrayList<>();
            Set<String> selectedNodes = new HashSet<>();
            List<Candidate> candidates = selector.namespace() == null ? ordered
                    : byNamespace.getOrDefault(selector.namespace(), List.of());
            for (Candidate candidate : candidates) {
                PodInfo pod = candidate.pod;
                if (!selector.matchesNamespaceAndLabels(pod)) {
                    continue;
                }
                if (pod.hostNetwork() && !settings.privileged(pod.namespace())) {
                    // Its "pod IP" is the node's own address: not a target a tenant may point the agent at.
                    problems.add(new PodProblem(configId, pod.id(), HOST_NETWORK_PROBLEM));
                    continue;
                }
                Result parsed = candidate.parsed();
                parsed.problems().forEach(message -> problems.add(new PodProblem(configId, pod.id(), message)));
                if (parsed.endpoint() == null) {
                    continue;
                }
                candidate.configIds.add(configId);
                selectedPods.add(pod.id());
                selectedNodes.add(pod.nodeName());
            }
            selections.put(configId, new ConfigSelection(configId, selectedPods,
                    selectedNodes.stream().sorted().toList()));
        }
        return new Plan(assignments(ordered, configsById, nodes, settings), selections, problems);
    }

    /**
     * A profilable pod on its way through one plan: its annotations parsed at most once, and the ids of the
     * configs selecting it, filled in config order so the list comes out sorted. Plain fields instead of maps
     * keyed by pod: hashing or ordering 150,000 records per lookup was most of a plan's time.
     */
    private static final class Candidate {
        final PodInfo pod;
        final List<String> configIds = new ArrayList<>(2);
        private Result parsed;

        Candidate(PodInfo pod) {
            this.pod = pod;
        }

        Result parsed() {
            if (parsed == null) {
                parsed = PodAnnotationsParser.parse(pod.annotations());
            }
            return parsed;
        }
    }

    /** The profilable pods in {@link #POD_ORDER}, one candidate per distinct pod. */
    private static List<Candidate> profilable(Collection<PodInfo> pods) {
        List<PodInfo> sorted = new ArrayList<>();
        for (PodInfo pod : pods) {
            if (PodSelector.isProfilable(pod)) {
                sorted.add(pod);
            }
        }
        sorted.sort(POD_ORDER);
        List<Candidate> candidates = new ArrayList<>(sorted.size());
        PodInfo previous = null;
        for (PodInfo pod : sorted) {
            if (previous == null || POD_ORDER.compare(previous, pod) != 0) {
                candidates.add(new Candidate(pod));
            }
            previous = pod;
        }
        return candidates;
    }

    private static Map<String, ProfilingAssignmentSpec> assignments(List<Candidate> ordered,
            Map<String, ProfilingConfig> configsById, Map<String, NodeInfo> nodes, PlannerSettings settings) {
        Map<String, List<AssignedTarget>> targetsByNode = new HashMap<>();
        for (Candidate candidate : ordered) {
            if (candidate.configIds.isEmpty()) {
                continue;
            }
            PodInfo pod = candidate.pod;
            targetsByNode.computeIfAbsent(pod.nodeName(), n -> new ArrayList<>())
                    .add(AssignedTargets.of(pod, candidate.parsed().endpoint(), candidate.configIds,
                            nodes.get(pod.nodeName())));
        }

        Map<String, ProfilingAssignmentSpec> assignments = new LinkedHashMap<>();
        targetsByNode.keySet().stream().sorted().forEach(node -> {
            List<AssignedTarget> targets = targetsByNode.get(node);
            List<ProfilingConfig> used = targets.stream().flatMap(t -> t.getConfigs().stream()).distinct()
                    .map(configsById::get).sorted(CONFIG_ORDER).toList();
            ProfilingAssignmentSpec spec = new ProfilingAssignmentSpec();
            spec.setNodeName(node);
            // A fresh copy per node: the spec objects are mutable and each assignment is written on its own.
            spec.setConfigs(used.stream().map(c -> AssignedConfigs.of(c, settings)).toList());
            spec.setTargets(targets);
            assignments.put(node, spec);
        });
        return assignments;
    }
}
