package io.bolometer.model.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Written by the node's agent, coalesced (at most every 10 s, only on change): counters per config and, per
 * target, the last error and the last capture token it handled (so a restarted agent does not capture twice);
 * per config also the last captures that reached the store, which the coordinator folds into the config's status.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProfilingAssignmentStatus {
    private Long observedGeneration;
    private List<ConfigCounters> configs = new ArrayList<>();
    private List<TargetState> targets = new ArrayList<>();

    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long v) { this.observedGeneration = v; }
    public List<ConfigCounters> getConfigs() { return configs; }
    public void setConfigs(List<ConfigCounters> configs) { this.configs = configs; }
    public List<TargetState> getTargets() { return targets; }
    public void setTargets(List<TargetState> targets) { this.targets = targets; }

    /** Counters of one config on this node since the agent started (monotonic while it runs). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ConfigCounters {
        /** {@code namespace/name}. */
        private String config;
        private Long captures;
        private Long uploads;
        private Long errors;
        private String lastCaptureTime;
        /** The newest profiles of this config that reached the store from this node, newest first (Insight). */
        @Size(max = RecentCapture.MAX_ENTRIES)
        private List<RecentCapture> recentCaptures;

        public ConfigCounters() {
        }

        public ConfigCounters(String config, Long captures, Long uploads, Long errors, String lastCaptureTime) {
            this.config = config;
            this.captures = captures;
            this.uploads = uploads;
            this.errors = errors;
            this.lastCaptureTime = lastCaptureTime;
        }

        public String getConfig() { return config; }
        public void setConfig(String config) { this.config = config; }
        public Long getCaptures() { return captures; }
        public void setCaptures(Long captures) { this.captures = captures; }
        public Long getUploads() { return uploads; }
        public void setUploads(Long uploads) { this.uploads = uploads; }
        public Long getErrors() { return errors; }
        public void setErrors(Long errors) { this.errors = errors; }
        public String getLastCaptureTime() { return lastCaptureTime; }
        public void setLastCaptureTime(String lastCaptureTime) { this.lastCaptureTime = lastCaptureTime; }
        public List<RecentCapture> getRecentCaptures() { return recentCaptures; }
        public void setRecentCaptures(List<RecentCapture> recentCaptures) { this.recentCaptures = recentCaptures; }

        @Override
        public boolean equals(Object o) {
            return o instanceof ConfigCounters c && Objects.equals(config, c.config)
                    && Objects.equals(captures, c.captures) && Objects.equals(uploads, c.uploads)
                    && Objects.equals(errors, c.errors) && Objects.equals(lastCaptureTime, c.lastCaptureTime)
                    && Objects.equals(recentCaptures, c.recentCaptures);
        }

        @Override
        public int hashCode() {
            return Objects.hash(config, captures, uploads, errors, lastCaptureTime, recentCaptures);
        }
    }

    /** One pod's state on this node. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class TargetState {
        /** {@code namespace/name} of the pod. */
        private String pod;
        private String lastError;
        private String lastErrorTime;
        private String lastCaptureTime;
        private String handledCaptureToken;

        public String getPod() { return pod; }
        public void setPod(String pod) { this.pod = pod; }
        public String getLastError() { return lastError; }
        public void setLastError(String lastError) { this.lastError = lastError; }
        public String getLastErrorTime() { return lastErrorTime; }
        public void setLastErrorTime(String lastErrorTime) { this.lastErrorTime = lastErrorTime; }
        public String getLastCaptureTime() { return lastCaptureTime; }
        public void setLastCaptureTime(String lastCaptureTime) { this.lastCaptureTime = lastCaptureTime; }
        public String getHandledCaptureToken() { return handledCaptureToken; }
        public void setHandledCaptureToken(String handledCaptureToken) { this.handledCaptureToken = handledCaptureToken; }

        @Override
        public boolean equals(Object o) {
            return o instanceof TargetState t && Objects.equals(pod, t.pod) && Objects.equals(lastError, t.lastError)
                    && Objects.equals(lastErrorTime, t.lastErrorTime) && Objects.equals(lastCaptureTime, t.lastCaptureTime)
                    && Objects.equals(handledCaptureToken, t.handledCaptureToken);
        }

        @Override
        public int hashCode() {
            return Objects.hash(pod, lastError, lastErrorTime, lastCaptureTime, handledCaptureToken);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProfilingAssignmentStatus s && Objects.equals(observedGeneration, s.observedGeneration)
                && Objects.equals(configs, s.configs) && Objects.equals(targets, s.targets);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, configs, targets);
    }
}
