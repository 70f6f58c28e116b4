package io.bolometer.coordinator.planning;

import io.bolometer.coordinator.planning.PodAnnotationsParser.Result;
import io.bolometer.model.v1alpha1.AssignedTarget;
import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

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
        Map<String, List<PodInfo>> profilableByNamespace = profilableByNamespace(pods);
        Map<String, Result> annotations = new HashMap<>();
        // Pod → ids of the configs selecting it, filled in config order so each list comes out sorted.
        Map<PodInfo, List<String>> selected = new TreeMap<>(POD_ORDER);
        Map<PodInfo, Result> endpoints = new HashMap<>();
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
            TreeSet<String> selectedNodes = new TreeSet<>();
            for (PodInfo pod : candidates(selector, profilableByNamespace)) {
                if (!selector.matchesNamespaceAndLabels(pod)) {
                    continue;
                }
                Result parsed = annotations.computeIfAbsent(pod.id(), id -> PodAnnotationsParser.parse(pod.annotations()));
                parsed.problems().forEach(message -> problems.add(new PodProblem(configId, pod.id(), message)));
                if (parsed.endpoint() == null) {
                    continue;
                }
                selected.computeIfAbsent(pod, p -> new ArrayList<>()).add(configId);
                endpoints.put(pod, parsed);
                selectedPods.add(pod.id());
                selectedNodes.add(pod.nodeName());
            }
            selections.put(configId, new ConfigSelection(configId, selectedPods, List.copyOf(selectedNodes)));
        }
        return new Plan(assignments(selected, endpoints, configsById, nodes), selections, problems);
    }

    private static Map<String, List<PodInfo>> profilableByNamespace(Collection<PodInfo> pods) {
        Map<String, List<PodInfo>> byNamespace = new TreeMap<>();
        for (PodInfo pod : pods) {
            if (PodSelector.isProfilable(pod)) {
                byNamespace.computeIfAbsent(pod.namespace(), ns -> new ArrayList<>()).add(pod);
            }
        }
        byNamespace.values().forEach(list -> list.sort(POD_ORDER));
        return byNamespace;
    }

    private static List<PodInfo> candidates(PodSelector selector, Map<String, List<PodInfo>> byNamespace) {
        if (selector.namespace() != null) {
            return byNamespace.getOrDefault(selector.namespace(), List.of());
        }
        List<PodInfo> all = new ArrayList<>();
        byNamespace.values().forEach(all::addAll);
        return all;
    }

    private static Map<String, ProfilingAssignmentSpec> assignments(Map<PodInfo, List<String>> selected,
            Map<PodInfo, Result> endpoints, Map<String, ProfilingConfig> configsById, Map<String, NodeInfo> nodes) {
        Map<String, List<AssignedTarget>> targetsByNode = new TreeMap<>();
        selected.forEach((pod, configIds) -> targetsByNode
                .computeIfAbsent(pod.nodeName(), n -> new ArrayList<>())
                .add(AssignedTargets.of(pod, endpoints.get(pod).endpoint(), configIds, nodes.get(pod.nodeName()))));

        Map<String, ProfilingAssignmentSpec> assignments = new LinkedHashMap<>();
        targetsByNode.forEach((node, targets) -> {
            List<ProfilingConfig> used = targets.stream().flatMap(t -> t.getConfigs().stream()).distinct()
                    .map(configsById::get).sorted(CONFIG_ORDER).toList();
            ProfilingAssignmentSpec spec = new ProfilingAssignmentSpec();
            spec.setNodeName(node);
            // A fresh copy per node: the spec objects are mutable and each assignment is written on its own.
            spec.setConfigs(used.stream().map(AssignedConfigs::of).toList());
            spec.setTargets(targets);
            assignments.put(node, spec);
        });
        return assignments;
    }
}
