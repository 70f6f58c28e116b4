package io.bolometer.coordinator.planning;

import io.bolometer.model.v1alpha1.LabelSelectorRequirement;
import io.bolometer.model.v1alpha1.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kubernetes label selector semantics and syntax: equality labels AND set-based requirements, matched against a
 * pod's labels, and the key/value rules of {@code k8s.io/apimachinery/pkg/util/validation}.
 */
public final class LabelSelectors {
    private static final int MAX_NAME_LENGTH = 63;
    private static final int MAX_PREFIX_LENGTH = 253;
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private LabelSelectors() {
    }

    /**
     * Whether {@code labels} satisfy every equality pair and every requirement; both may be null (match all).
     * As in Kubernetes, {@code NotIn} and {@code DoesNotExist} match a pod that lacks the key.
     */
    public static boolean matches(Map<String, String> equality, List<LabelSelectorRequirement> requirements,
                                  Map<String, String> labels) {
        if (equality != null) {
            for (Map.Entry<String, String> wanted : equality.entrySet()) {
                if (wanted.getValue() == null || !wanted.getValue().equals(labels.get(wanted.getKey()))) {
                    return false;
                }
            }
        }
        if (requirements != null) {
            for (LabelSelectorRequirement requirement : requirements) {
                if (!matches(requirement, labels)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether {@code labels} satisfy one set-based requirement (an unknown or missing operator matches nothing). */
    public static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        if (requirement.getOperator() == null) {
            return false;
        }
        return switch (requirement.getOperator()) {
            case In -> value != null && values.contains(value);
            case NotIn -> value == null || !values.contains(value);
            case Exists -> value != null;
            case DoesNotExist -> value == null;
        };
    }

    /**
     * The syntax problems of a selector's labels and requirements, each naming its field under {@code path}
     * (e.g. {@code spec.selector}); empty when it is well-formed.
     */
    public static List<String> problems(String path, Map<String, String> equality,
                                        List<LabelSelectorRequirement> requirements) {
        List<String> problems = new ArrayList<>();
        if (equality != null && equality.size() > Selector.MAX_LABELS) {
            problems.add(path + ".labelSelector has " + equality.size() + " labels, at most " + Selector.MAX_LABELS
                    + " are allowed");
        } else if (equality != null) {
            equality.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
                String field = path + ".labelSelector";
                keyProblem(field, entry.getKey()).ifPresent(problems::add);
                valueProblem(field + "[" + Echo.cut(entry.getKey()) + "]", entry.getValue()).ifPresent(problems::add);
            });
        }
        if (requirements != null && requirements.size() > Selector.MAX_EXPRESSIONS) {
            problems.add(path + ".matchExpressions has " + requirements.size() + " entries, at most "
                    + Selector.MAX_EXPRESSIONS + " are allowed");
        } else if (requirements != null) {
            for (int i = 0; i < requirements.size(); i++) {
                problems.addAll(requirementProblems(path + ".matchExpressions[" + i + "]", requirements.get(i)));
            }
        }
        return problems;
    }

    /** Whether {@code name} is a valid namespace name (an RFC 1123 label of at most 63 characters). */
    public static boolean isNamespaceName(String name) {
        return name != null && name.length() <= MAX_NAME_LENGTH && DNS_1123_LABEL.matcher(name).matches();
    }

    private static List<String> requirementProblems(String field, LabelSelectorRequirement requirement) {
        List<String> problems = new ArrayList<>();
        if (requirement == null) {
            return List.of(field + " is empty");
        }
        keyProblem(field + ".key", requirement.getKey()).ifPresent(problems::add);
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        if (requirement.getOperator() == null) {
            problems.add(field + ".operator is required (In, NotIn, Exists or DoesNotExist)");
            return problems;
        }
        switch (requirement.getOperator()) {
            case In, NotIn -> {
                if (values.isEmpty()) {
                    problems.add(field + ".values must not be empty for operator " + requirement.getOperator());
                }
            }
            case Exists, DoesNotExist -> {
                if (!values.isEmpty()) {
                    problems.add(field + ".values must be empty for operator " + requirement.getOperator());
                }
            }
        }
        if (values.size() > LabelSelectorRequirement.MAX_VALUES) {
            problems.add(field + ".values has " + values.size() + " entries, at most "
                    + LabelSelectorRequirement.MAX_VALUES + " are allowed");
            return problems;
        }
        for (int i = 0; i < values.size(); i++) {
            valueProblem(field + ".values[" + i + "]", values.get(i)).ifPresent(problems::add);
        }
        return problems;
    }

    private static Optional<String> keyProblem(String field, String key) {
        if (key == null || key.isEmpty()) {
            return Optional.of(field + " must not be empty");
        }
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        boolean prefixOk = prefix == null || (!prefix.isEmpty() && prefix.length() <= MAX_PREFIX_LENGTH
                && DNS_1123_SUBDOMAIN.matcher(prefix).matches());
        boolean nameOk = name.length() <= MAX_NAME_LENGTH && NAME.matcher(name).matches();
        if (prefixOk && nameOk) {
            return Optional.empty();
        }
        return Optional.of(field + " key " + Echo.quote(key) + " is not a valid label key (an optional DNS subdomain"
                + " prefix and '/', then at most 63 characters: letters, digits, '-', '_' or '.', starting and ending"
                + " with a letter or digit)");
    }

    private static Optional<String> valueProblem(String field, String value) {
        if (value == null) {
            return Optional.of(field + " must not be null");
        }
        if (value.isEmpty() || (value.length() <= MAX_NAME_LENGTH && NAME.matcher(value).matches())) {
            return Optional.empty();
        }
        return Optional.of(field + " value " + Echo.quote(value) + " is not a valid label value (at most 63"
                + " characters: letters, digits, '-', '_' or '.', starting and ending with a letter or digit)");
    }
}
