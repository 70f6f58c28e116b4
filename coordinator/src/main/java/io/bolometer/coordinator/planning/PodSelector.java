package io.bolometer.coordinator.planning;

import io.bolometer.model.v1alpha1.LabelSelectorRequirement;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.Selector;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides whether one config selects a pod: the namespace rule of ARCHITECTURE.md "Security", the label selector,
 * and whether the pod can be profiled at all (opted in, running with an IP on a node, not terminating).
 */
public final class PodSelector {
    /** The pod phase in which a pod serves pprof. */
    public static final String RUNNING = "Running";

    /** Null: every namespace. */
    private final String namespace;
    private final boolean selectsNothing;
    private final Map<String, String> labels;
    private final List<LabelSelectorRequirement> expressions;

    private PodSelector(String namespace, boolean selectsNothing, Map<String, String> labels,
                        List<LabelSelectorRequirement> expressions) {
        this.namespace = namespace;
        this.selectsNothing = selectsNothing;
        this.labels = labels;
        this.expressions = expressions;
    }

    /**
     * The selector of {@code config}. A config outside the coordinator's namespace that names another namespace
     * selects nothing: {@link SpecValidator} rejects it, and this keeps the rule even if a caller forgot to.
     */
    public static PodSelector of(ProfilingConfig config, PlannerSettings settings) {
        String own = config.getMetadata().getNamespace();
        Selector selector = config.getSpec() == null ? null : config.getSpec().getSelector();
        Selector effective = selector == null ? new Selector() : selector;
        String wanted = blankToNull(effective.getNamespace());
        boolean privileged = Objects.equals(own, settings.coordinatorNamespace());
        String namespace = privileged ? wanted : own;
        boolean forbidden = !privileged && wanted != null && !wanted.equals(own);
        return new PodSelector(namespace, forbidden, effective.getLabelSelector(), effective.getMatchExpressions());
    }

    /** The one namespace this selector looks in, or null for every namespace. */
    public String namespace() {
        return namespace;
    }

    /** Whether this selector picks {@code pod}, including whether the pod can be profiled at all. */
    public boolean selects(PodInfo pod) {
        return matchesNamespaceAndLabels(pod) && isProfilable(pod);
    }

    /** The namespace rule and the label selector alone, ignoring the pod's state and annotations. */
    public boolean matchesNamespaceAndLabels(PodInfo pod) {
        if (selectsNothing || (namespace != null && !namespace.equals(pod.namespace()))) {
            return false;
        }
        return LabelSelectors.matches(labels, expressions, pod.labels());
    }

    /** Whether a pod opted in and can be reached now: Running, with a pod IP and a node, not being deleted. */
    public static boolean isProfilable(PodInfo pod) {
        return PodAnnotationsParser.isEnabled(pod.annotations()) && RUNNING.equals(pod.phase())
                && !isBlank(pod.podIP()) && !isBlank(pod.nodeName()) && !pod.terminating();
    }

    private static String blankToNull(String value) {
        return isBlank(value) ? null : value.strip();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
