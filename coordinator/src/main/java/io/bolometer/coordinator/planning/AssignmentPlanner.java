package io.bolometer.coordinator.planning;

import io.bolometer.model.PodAnnotations;
import io.bolometer.model.ServiceNames;
import io.bolometer.model.v1alpha1.AssignedConfig;
import io.bolometer.model.v1alpha1.AssignedTarget;
import io.bolometer.model.v1alpha1.OnDemand;
import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.ProfilingConfigSpec;
import io.bolometer.model.v1alpha1.S3Config;
import io.bolometer.model.v1alpha1.Thresholds;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides which pods each valid config selects and builds the desired {@code ProfilingAssignment} spec of every
 * node: pure, deterministic (equal input gives equal output, sorted), no clients.
 */
public final class AssignmentPlanner {
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
        List<ProfilingConfig> configs = validConfigs.stream().sorted(Comparator.comparing(ProfilingConfig::id)).toList();
        List<PodInfo> candidates = pods.stream().filter(AssignmentPlanner::profilable)
                .sorted(Comparator.comparing(PodInfo::id)).toList();
        Map<String, AssignedConfig> assigned = new TreeMap<>();
        Map<String, TreeMap<String, AssignedTarget>> targetsByNode = new TreeMap<>();
        Map<String, TreeSet<String>> configsByNode = new TreeMap<>();
        Map<String, List<String>> podsByConfig = new TreeMap<>();
        Map<String, TreeSet<String>> nodesByConfig = new TreeMap<>();
        List<PodProblem> problems = new ArrayList<>();
        for (ProfilingConfig config : configs) {
            String configId = config.id();
            podsByConfig.put(configId, new ArrayList<>());
            nodesByConfig.put(configId, new TreeSet<>());
            for (PodInfo pod : candidates) {
                if (!selects(config, pod)) {
                    continue;
                }
                PodEndpoint.Result endpoint = PodEndpoint.parse(pod.annotations());
                if (endpoint.endpoint().isEmpty()) {
                    problems.add(new PodProblem(configId, pod.id(), endpoint.problem()));
                    continue;
                }
                podsByConfig.get(configId).add(pod.id());
                nodesByConfig.get(configId).add(pod.nodeName());
                assigned.computeIfAbsent(configId, id -> effective(config));
                configsByNode.computeIfAbsent(pod.nodeName(), n -> new TreeSet<>()).add(configId);
                AssignedTarget target = targetsByNode.computeIfAbsent(pod.nodeName(), n -> new TreeMap<>())
                        .computeIfAbsent(pod.id(), id -> target(pod, endpoint.endpoint().get(), nodes.get(pod.nodeName())));
                List<String> ids = new ArrayList<>(target.getConfigs());
                ids.add(configId);
                target.setConfigs(ids.stream().sorted().toList());
            }
        }
        Map<String, ProfilingAssignmentSpec> assignments = new TreeMap<>();
        targetsByNode.forEach((node, targets) -> {
            ProfilingAssignmentSpec spec = new ProfilingAssignmentSpec();
            spec.setNodeName(node);
            spec.setConfigs(configsByNode.get(node).stream().map(assigned::get).toList());
            spec.setTargets(List.copyOf(targets.values()));
            assignments.put(node, spec);
        });
        Map<String, ConfigSelection> selections = new TreeMap<>();
        podsByConfig.forEach((id, selected) ->
                selections.put(id, new ConfigSelection(id, selected, List.copyOf(nodesByConfig.get(id)))));
        return new Plan(assignments, selections, problems);
    }

    /** Whether a config selects a pod that is already known to be profilable. */
    boolean selects(ProfilingConfig config, PodInfo pod) {
        String own = config.getMetadata().getNamespace();
        String wanted = config.getSpec().getSelector() == null ? null : config.getSpec().getSelector().getNamespace();
        boolean anyNamespace = Objects.equals(own, settings.coordinatorNamespace()) && (wanted == null || wanted.isBlank());
        String namespace = wanted == null || wanted.isBlank() ? own : wanted;
        if (!anyNamespace && !namespace.equals(pod.namespace())) {
            return false;
        }
        return LabelSelectors.matches(config.getSpec().getSelector(), pod.labels());
    }

    /** Annotated, running with an IP on a node, not terminating. */
    static boolean profilable(PodInfo pod) {
        return "true".equalsIgnoreCase(pod.annotations().getOrDefault(PodAnnotations.ENABLED, "").trim())
                && "Running".equals(pod.phase()) && pod.podIP() != null && !pod.podIP().isBlank()
                && pod.nodeName() != null && !pod.nodeName().isBlank() && !pod.terminating();
    }

    private static AssignedTarget target(PodInfo pod, PodEndpoint endpoint, NodeInfo node) {
        AssignedTarget target = new AssignedTarget();
        target.setNamespace(pod.namespace());
        target.setName(pod.name());
        target.setUid(pod.uid());
        target.setPodIP(pod.podIP());
        target.setPort(endpoint.port());
        target.setPath(endpoint.path());
        ServiceNames.Owner owner = pod.ownerKind() == null ? null : new ServiceNames.Owner(pod.ownerKind(), pod.ownerName());
        target.setService(ServiceNames.derive(pod.labels(), owner, pod.name()));
        target.setLabels(new TreeMap<>(pod.labels()));
        target.setConfigs(List.of());
        double allocatableCpu = node == null ? 0 : node.allocatableCpuCores();
        long allocatableMemory = node == null ? 0 : node.allocatableMemoryBytes();
        if (pod.cpuLimitCores() > 0) {
            target.setCpuCores(pod.cpuLimitCores());
            target.setCpuBasis("limit");
        } else if (pod.cpuRequestCores() > 0) {
            target.setCpuCores(pod.cpuRequestCores());
            target.setCpuBasis("request");
        } else if (allocatableCpu > 0) {
            target.setCpuCores(allocatableCpu);
            target.setCpuBasis("allocatable");
        }
        if (pod.memoryLimitBytes() > 0) {
            target.setMemoryBytes(pod.memoryLimitBytes());
            target.setMemoryBasis("limit");
        } else if (pod.memoryRequestBytes() > 0) {
            target.setMemoryBytes(pod.memoryRequestBytes());
            target.setMemoryBasis("request");
        } else if (allocatableMemory > 0) {
            target.setMemoryBytes(allocatableMemory);
            target.setMemoryBasis("allocatable");
        }
        target.setCaptureToken(endpoint.captureToken());
        return target;
    }

    /** The config as the agent needs it, every default applied. */
    static AssignedConfig effective(ProfilingConfig config) {
        ProfilingConfigSpec spec = config.getSpec();
        Thresholds t = spec.thresholdsOrDefault();
        OnDemand d = spec.onDemandOrDefault();
        S3Config s3 = spec.getS3Config();
        AssignedConfig assigned = new AssignedConfig();
        assigned.setNamespace(config.getMetadata().getNamespace());
        assigned.setName(config.getMetadata().getName());
        assigned.setGeneration(config.getMetadata().getGeneration());
        assigned.setThresholds(new Thresholds(t.cpuPercentOrDefault(), t.memoryPercentOrDefault(),
                t.checkIntervalOrDefault(), t.cooldownOrDefault()));
        assigned.setOnDemand(new OnDemand(d.enabledOrDefault(), d.intervalOrDefault()));
        assigned.setS3Config(new S3Config(s3.getBucket(), s3.prefixOrDefault(), s3.getRegion(),
                s3.getEndpoint() == null || s3.getEndpoint().isBlank() ? null : s3.getEndpoint(),
                s3.forcePathStyleOrDefault()));
        assigned.setProfileTypes(spec.profileTypesOrDefault());
        assigned.setCpuProfileSeconds(spec.cpuProfileSecondsOrDefault());
        return assigned;
    }
}
