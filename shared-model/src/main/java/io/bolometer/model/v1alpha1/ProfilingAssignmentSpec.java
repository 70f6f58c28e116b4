package io.bolometer.model.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The configs in force on a node and the pods the agent there profiles, both sorted for stable output. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProfilingAssignmentSpec {
    private String nodeName;
    private List<AssignedConfig> configs = new ArrayList<>();
    private List<AssignedTarget> targets = new ArrayList<>();

    public String getNodeName() { return nodeName; }
    public void setNodeName(String nodeName) { this.nodeName = nodeName; }
    public List<AssignedConfig> getConfigs() { return configs; }
    public void setConfigs(List<AssignedConfig> configs) { this.configs = configs; }
    public List<AssignedTarget> getTargets() { return targets; }
    public void setTargets(List<AssignedTarget> targets) { this.targets = targets; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProfilingAssignmentSpec s && Objects.equals(nodeName, s.nodeName)
                && Objects.equals(configs, s.configs) && Objects.equals(targets, s.targets);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodeName, configs, targets);
    }
}
