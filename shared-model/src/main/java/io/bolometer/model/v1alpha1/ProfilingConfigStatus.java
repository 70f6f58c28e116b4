package io.bolometer.model.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the coordinator observed for a config: how many pods on how many nodes it selects, the agents' counters
 * summed over nodes, the {@code Valid} and {@code Ready} conditions, and the newest captures that reached the
 * store ({@code recentCaptures}, which {@code kubectl describe pcfg} shows).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProfilingConfigStatus {
    public static final String CONDITION_VALID = "Valid";
    public static final String CONDITION_READY = "Ready";

    private Long observedGeneration;
    private Integer matchedPods;
    private Integer nodes;
    private Long capturesTotal;
    private Long uploadsTotal;
    private Long errorsTotal;
    /** RFC 3339 UTC time of the newest capture on any node. */
    private String lastCaptureTime;
    private List<Condition> conditions = new ArrayList<>();
    /** The newest profiles that reached the store, on any node, newest first (Insight, at most 10). */
    @Size(max = RecentCapture.MAX_ENTRIES)
    private List<RecentCapture> recentCaptures;

    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long v) { this.observedGeneration = v; }
    public Integer getMatchedPods() { return matchedPods; }
    public void setMatchedPods(Integer v) { this.matchedPods = v; }
    public Integer getNodes() { return nodes; }
    public void setNodes(Integer v) { this.nodes = v; }
    public Long getCapturesTotal() { return capturesTotal; }
    public void setCapturesTotal(Long v) { this.capturesTotal = v; }
    public Long getUploadsTotal() { return uploadsTotal; }
    public void setUploadsTotal(Long v) { this.uploadsTotal = v; }
    public Long getErrorsTotal() { return errorsTotal; }
    public void setErrorsTotal(Long v) { this.errorsTotal = v; }
    public String getLastCaptureTime() { return lastCaptureTime; }
    public void setLastCaptureTime(String v) { this.lastCaptureTime = v; }
    public List<Condition> getConditions() { return conditions; }
    public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
    public List<RecentCapture> getRecentCaptures() { return recentCaptures; }
    public void setRecentCaptures(List<RecentCapture> recentCaptures) { this.recentCaptures = recentCaptures; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProfilingConfigStatus s && Objects.equals(observedGeneration, s.observedGeneration)
                && Objects.equals(matchedPods, s.matchedPods) && Objects.equals(nodes, s.nodes)
                && Objects.equals(capturesTotal, s.capturesTotal) && Objects.equals(uploadsTotal, s.uploadsTotal)
                && Objects.equals(errorsTotal, s.errorsTotal) && Objects.equals(lastCaptureTime, s.lastCaptureTime)
                && Objects.equals(conditions, s.conditions) && Objects.equals(recentCaptures, s.recentCaptures);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, matchedPods, nodes, capturesTotal, uploadsTotal, errorsTotal,
                lastCaptureTime, conditions, recentCaptures);
    }
}
