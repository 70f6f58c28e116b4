package io.bolometer.model.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * One profile that reached the store, as the Insight contract lists it in {@code status.recentCaptures}: when and
 * of which pod, why, where it is ({@code s3://bucket/key}, the key actually written), the trigger's evidence, the
 * top function and what grew against the pod's baseline. Every string is cut to {@link #MAX_LENGTH} (the URI to
 * {@link #MAX_URI_LENGTH}) by the writer, so a node's status stays small.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecentCapture {
    /** Longest value of any field but {@code uri}: an entry stays under 1 KiB, a config's list under 10 KiB. */
    public static final int MAX_LENGTH = 100;
    /** Longest {@code uri}: {@code s3://} + bucket + a key of the contract's shape with a long prefix and pod name. */
    public static final int MAX_URI_LENGTH = 320;
    /** Captures listed per config, newest first (on a node, and folded over nodes). */
    public static final int MAX_ENTRIES = 10;

    /** RFC 3339 UTC trigger time (shared by all types of one capture). */
    @Size(max = MAX_LENGTH)
    private String time;
    @Size(max = MAX_LENGTH)
    private String namespace;
    @Size(max = MAX_LENGTH)
    private String pod;
    @Size(max = MAX_LENGTH)
    private String node;
    @Size(max = MAX_LENGTH)
    private String type;
    /** {@code threshold-exceeded} | {@code on-demand} | {@code requested}. */
    @Size(max = MAX_LENGTH)
    private String reason;
    @Size(max = MAX_URI_LENGTH)
    private String uri;
    /** {@code cpu 93% of limit ≥ 80%}; null for periodic and requested captures. */
    @Size(max = MAX_LENGTH)
    private String evidence;
    /** {@code main.burnCPU 66%}: the top function by flat share; null without a summary. */
    @Size(max = MAX_LENGTH)
    private String top;
    /** {@code main.burnCPU +61 pts vs 12:03}, {@code nothing grew vs 12:03} or {@code no baseline}. */
    @Size(max = MAX_LENGTH)
    private String grew;

    public RecentCapture() {
    }

    public RecentCapture(String time, String namespace, String pod, String node, String type, String reason,
                         String uri, String evidence, String top, String grew) {
        this.time = time;
        this.namespace = namespace;
        this.pod = pod;
        this.node = node;
        this.type = type;
        this.reason = reason;
        this.uri = uri;
        this.evidence = evidence;
        this.top = top;
        this.grew = grew;
    }

    public String getTime() { return time; }
    public void setTime(String time) { this.time = time; }
    public String getNamespace() { return namespace; }
    public void setNamespace(String namespace) { this.namespace = namespace; }
    public String getPod() { return pod; }
    public void setPod(String pod) { this.pod = pod; }
    public String getNode() { return node; }
    public void setNode(String node) { this.node = node; }
    public String getType() { return type; }
    public void setType(String type) { this.type = type; }
    public String getReason() { return reason; }
    public void setReason(String reason) { this.reason = reason; }
    public String getUri() { return uri; }
    public void setUri(String uri) { this.uri = uri; }
    public String getEvidence() { return evidence; }
    public void setEvidence(String evidence) { this.evidence = evidence; }
    public String getTop() { return top; }
    public void setTop(String top) { this.top = top; }
    public String getGrew() { return grew; }
    public void setGrew(String grew) { this.grew = grew; }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecentCapture r && Objects.equals(time, r.time) && Objects.equals(namespace, r.namespace)
                && Objects.equals(pod, r.pod) && Objects.equals(node, r.node) && Objects.equals(type, r.type)
                && Objects.equals(reason, r.reason) && Objects.equals(uri, r.uri)
                && Objects.equals(evidence, r.evidence) && Objects.equals(top, r.top) && Objects.equals(grew, r.grew);
    }

    @Override
    public int hashCode() {
        return Objects.hash(time, namespace, pod, node, type, reason, uri, evidence, top, grew);
    }

    @Override
    public String toString() {
        return time + " " + namespace + "/" + pod + " " + type + " " + reason + " " + uri;
    }
}
