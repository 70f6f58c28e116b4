package io.bolometer.model.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which annotated pods a config profiles: a namespace (or all, only for configs in the coordinator's namespace),
 * equality labels as in the original product, and set-based expressions beside them.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class Selector {
    public static final int MAX_LABELS = 32;
    public static final int MAX_EXPRESSIONS = 16;

    /** Empty or a namespace name (a DNS label). */
    @Size(max = 63)
    @Pattern("^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    private String namespace;
    @Size(max = MAX_LABELS)
    private Map<String, String> labelSelector;
    @Size(max = MAX_EXPRESSIONS)
    private List<LabelSelectorRequirement> matchExpressions;

    public Selector() {
    }

    public Selector(String namespace, Map<String, String> labelSelector, List<LabelSelectorRequirement> matchExpressions) {
        this.namespace = namespace;
        this.labelSelector = labelSelector;
        this.matchExpressions = matchExpressions;
    }

    public String getNamespace() { return namespace; }
    public void setNamespace(String namespace) { this.namespace = namespace; }
    public Map<String, String> getLabelSelector() { return labelSelector; }
    public void setLabelSelector(Map<String, String> labelSelector) { this.labelSelector = labelSelector; }
    public List<LabelSelectorRequirement> getMatchExpressions() { return matchExpressions; }
    public void setMatchExpressions(List<LabelSelectorRequirement> matchExpressions) { this.matchExpressions = matchExpressions; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Selector s && Objects.equals(namespace, s.namespace)
                && Objects.equals(labelSelector, s.labelSelector) && Objects.equals(matchExpressions, s.matchExpressions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespace, labelSelector, matchExpressions);
    }
}
