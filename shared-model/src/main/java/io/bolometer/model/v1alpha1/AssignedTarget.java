package io.bolometer.model.v1alpha1;

import io.fabric8.generator.annotation.Size;
import io.bolometer.model.ProfileType;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One pod on the node, resolved by the coordinator: where its pprof server is, its service name and labels, the
 * CPU and memory its usage is measured against (limit → request → node allocatable, with where each came from),
 * the configs that select it, and its current one-shot capture token.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AssignedTarget {
    private String namespace;
    private String name;
    private String uid;
    private String podIP;
    private Integer port;
    private String path;
    private String service;
    private Map<String, String> labels;
    /** {@code namespace/name} of each config that selects this pod. */
    private List<String> configs;
    private Double cpuCores;
    /** {@code limit}, {@code request} or {@code allocatable}. */
    private String cpuBasis;
    private Long memoryBytes;
    private String memoryBasis;
    /** The pod's {@code profiling.io/capture} annotation value, if any. */
    private String captureToken;
    /** With a capture token: the types that capture takes ({@code profiling.io/capture-types}); absent = all. */
    @Size(max = 6)
    private List<ProfileType> captureTypes;

    public String getNamespace() { return namespace; }
    public void setNamespace(String namespace) { this.namespace = namespace; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getUid() { return uid; }
    public void setUid(String uid) { this.uid = uid; }
    public String getPodIP() { return podIP; }
    public void setPodIP(String podIP) { this.podIP = podIP; }
    public Integer getPort() { return port; }
    public void setPort(Integer port) { this.port = port; }
    public String getPath() { return path; }
    public void setPath(String path) { this.path = path; }
    public String getService() { return service; }
    public void setService(String service) { this.service = service; }
    public Map<String, String> getLabels() { return labels; }
    public void setLabels(Map<String, String> labels) { this.labels = labels; }
    public List<String> getConfigs() { return configs; }
    public void setConfigs(List<String> configs) { this.configs = configs; }
    public Double getCpuCores() { return cpuCores; }
    public void setCpuCores(Double cpuCores) { this.cpuCores = cpuCores; }
    public String getCpuBasis() { return cpuBasis; }
    public void setCpuBasis(String cpuBasis) { this.cpuBasis = cpuBasis; }
    public Long getMemoryBytes() { return memoryBytes; }
    public void setMemoryBytes(Long memoryBytes) { this.memoryBytes = memoryBytes; }
    public String getMemoryBasis() { return memoryBasis; }
    public void setMemoryBasis(String memoryBasis) { this.memoryBasis = memoryBasis; }
    public String getCaptureToken() { return captureToken; }
    public void setCaptureToken(String captureToken) { this.captureToken = captureToken; }
    public List<ProfileType> getCaptureTypes() { return captureTypes; }
    public void setCaptureTypes(List<ProfileType> captureTypes) { this.captureTypes = captureTypes; }

    @Override
    public boolean equals(Object o) {
        return o instanceof AssignedTarget t && Objects.equals(namespace, t.namespace) && Objects.equals(name, t.name)
                && Objects.equals(uid, t.uid) && Objects.equals(podIP, t.podIP) && Objects.equals(port, t.port)
                && Objects.equals(path, t.path) && Objects.equals(service, t.service)
                && Objects.equals(labels, t.labels) && Objects.equals(configs, t.configs)
                && Objects.equals(cpuCores, t.cpuCores) && Objects.equals(cpuBasis, t.cpuBasis)
                && Objects.equals(memoryBytes, t.memoryBytes) && Objects.equals(memoryBasis, t.memoryBasis)
                && Objects.equals(captureToken, t.captureToken) && Objects.equals(captureTypes, t.captureTypes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespace, name, uid, podIP, port, path, service, labels, configs, cpuCores, cpuBasis,
                memoryBytes, memoryBasis, captureToken, captureTypes);
    }
}
