package io.bolometer.model.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Objects;

/** A set-based label requirement, as in Kubernetes' {@code LabelSelectorRequirement}. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class LabelSelectorRequirement {
    /** A label key: an optional DNS subdomain prefix (253) and {@code /}, then a name of at most 63 characters. */
    public static final int MAX_KEY_LENGTH = 317;
    public static final int MAX_VALUES = 64;

    @Required
    @Size(min = 1, max = MAX_KEY_LENGTH)
    private String key;
    /** {@code In}, {@code NotIn}, {@code Exists} or {@code DoesNotExist}. */
    @Required
    private Operator operator;
    @Size(max = MAX_VALUES)
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
