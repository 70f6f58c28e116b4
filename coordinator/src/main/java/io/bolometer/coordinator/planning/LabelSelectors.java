package io.bolometer.coordinator.planning;

import io.bolometer.model.v1alpha1.LabelSelectorRequirement;
import io.bolometer.model.v1alpha1.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Kubernetes label-selector matching (equality map and set-based expressions) and syntax checks. */
public final class LabelSelectors {
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)");
    private static final Pattern DNS_PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

    private LabelSelectors() {
    }

    /** True when the labels satisfy every equality and every expression (an absent selector matches all). */
    public static boolean matches(Selector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        if (selector.getLabelSelector() != null) {
            for (Map.Entry<String, String> wanted : selector.getLabelSelector().entrySet()) {
                if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
                if (!matches(requirement, labels)) {
                    return false;
                }
            }
        }
        return true;
    }

    static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        return switch (requirement.getOperator()) {
            case In -> value != null && values.contains(value);
            case NotIn -> value == null || !values.contains(value);
            case Exists -> value != null;
            case DoesNotExist -> value == null;
        };
    }

    /** Syntax problems of a selector, each naming its field path under {@code spec.selector}. */
    public static List<String> problems(Selector selector) {
        List<String> problems = new ArrayList<>();
        if (selector == null) {
            return problems;
        }
        if (selector.getLabelSelector() != null) {
            selector.getLabelSelector().forEach((key, value) -> {
                if (!validKey(key)) {
                    problems.add("spec.selector.labelSelector key \"" + key + "\" is not a valid label key");
                }
                if (value == null || value.length() > 63 || !VALUE.matcher(value).matches()) {
                    problems.add("spec.selector.labelSelector value \"" + value + "\" of \"" + key + "\" is not a valid label value");
                }
            });
        }
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
        for (int i = 0; expressions != null && i < expressions.size(); i++) {
            LabelSelectorRequirement r = expressions.get(i);
            String path = "spec.selector.matchExpressions[" + i + "]";
            if (r.getKey() == null || !validKey(r.getKey())) {
                problems.add(path + ".key \"" + r.getKey() + "\" is not a valid label key");
            }
            if (r.getOperator() == null) {
                problems.add(path + ".operator is required (In, NotIn, Exists or DoesNotExist)");
                continue;
            }
            boolean hasValues = r.getValues() != null && !r.getValues().isEmpty();
            switch (r.getOperator()) {
                case In, NotIn -> {
                    if (!hasValues) {
                        problems.add(path + ".values must not be empty for operator " + r.getOperator());
                    }
                }
                case Exists, DoesNotExist -> {
                    if (hasValues) {
                        problems.add(path + ".values must be empty for operator " + r.getOperator());
                    }
                }
            }
        }
        return problems;
    }

    static boolean validKey(String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty() || prefix.length() > 253 || !DNS_PREFIX.matcher(prefix).matches()) {
                return false;
            }
        }
        return name.length() <= 63 && NAME.matcher(name).matches();
    }
}
