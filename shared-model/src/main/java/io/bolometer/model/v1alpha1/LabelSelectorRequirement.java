package io.bolometer.model.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Objects;

/** A set-based label requirement, as in Kubernetes' {@code LabelSelectorRequirement}. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class LabelSelectorRequirement {
    @Required
    private String key;
    /** {@code In}, {@code NotIn}, {@code Exists} or {@code DoesNotExist}. */
    @Required
    private Operator operator;
    private List<String> values;

    public enum Operator { In, NotIn, Exists, DoesNotExist }

    public LabelSelectorRequirement() {
    }

    public LabelSelectorRequirement(String key, Operator operator, List<String> values) {
        this.key = key;
        this.operator = operator;
        this.values = values;
    }

    public String getKey() { return key; }
    public void setKey(String key) { this.key = key; }
    public Operator getOperator() { return operator; }
    public void setOperator(Operator operator) { this.operator = operator; }
    public List<String> getValues() { return values; }
    public void setValues(List<String> values) { this.values = values; }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSelectorRequirement r && Objects.equals(key, r.key) && operator == r.operator
                && Objects.equals(values, r.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, operator, values);
    }
}
