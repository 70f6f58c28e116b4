package io.bolometer.agent.cluster;

import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.AssignedConfig;
import io.bolometer.model.v1alpha1.AssignedTarget;
import io.bolometer.model.v1alpha1.OnDemand;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus;
import io.bolometer.model.v1alpha1.S3Config;
import io.bolometer.model.v1alpha1.Thresholds;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds {@code ProfilingAssignment}s as the coordinator would write them, for the cluster-mode tests. */
final class Assignments {
    private Assignments() {
    }

    static ProfilingAssignment assignment(String node, List<AssignedConfig> configs, List<AssignedTarget> targets) {
        ProfilingAssignment assignment = new ProfilingAssignment();
        assignment.setMetadata(new ObjectMetaBuilder().withName(node).build());
        ProfilingAssignmentSpec spec = new ProfilingAssignmentSpec();
        spec.setNodeName(node);
        spec.setConfigs(new ArrayList<>(configs));
        spec.setTargets(new ArrayList<>(targets));
        assignment.setSpec(spec);
        return assignment;
    }

    /** A config with periodic captures every {@code periodicSeconds} (0 = off) of {@code types}. */
    static AssignedConfig config(String namespace, String name, int periodicSeconds, List<ProfileType> types) {
        AssignedConfig config = new AssignedConfig();
        config.setNamespace(namespace);
        config.setName(name);
        config.setGeneration(1L);
        config.setThresholds(new Thresholds(80, 90, 30, 300));
        config.setOnDemand(new OnDemand(periodicSeconds > 0, periodicSeconds > 0 ? periodicSeconds : 35));
        config.setS3Config(new S3Config("bucket-" + name, "prof", "eu-west-1", null, null));
        config.setProfileTypes(types);
        config.setCpuProfileSeconds(1);
        return config;
    }

    static AssignedTarget target(String namespace, String name, String podIP, int port, String path,
                                 List<String> configs) {
        AssignedTarget target = new AssignedTarget();
        target.setNamespace(namespace);
        target.setName(name);
        target.setUid("uid-" + name);
        target.setPodIP(podIP);
        target.setPort(port);
        target.setPath(path);
        target.setService("checkout");
        target.setLabels(Map.of("app", "checkout"));
        target.setConfigs(new ArrayList<>(configs));
        target.setCpuCores(0.5);
        target.setCpuBasis("limit");
        target.setMemoryBytes(512L * 1024 * 1024);
        target.setMemoryBasis("request");
        return target;
    }

    static ProfilingAssignmentStatus handled(String pod, String token) {
        ProfilingAssignmentStatus status = new ProfilingAssignmentStatus();
        ProfilingAssignmentStatus.TargetState state = new ProfilingAssignmentStatus.TargetState();
        state.setPod(pod);
        state.setHandledCaptureToken(token);
        status.setTargets(new ArrayList<>(List.of(state)));
        return status;
    }
}
