package io.bolometer.model;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Derives the service name a pod's profiles are filed under, as one safe object-key path segment.
 *
 * <p>Rules, first match wins: the {@code app.kubernetes.io/name} label, the {@code app} label, the {@code k8s-app}
 * label (blank values skip to the next rule), the owner (a ReplicaSet's name minus its pod-template hash is its
 * Deployment's name; other owners' names as they are), then the pod name with its generated suffixes removed.
 */
public final class ServiceNames {
    /** Labels consulted in order before falling back to the owner and the pod name. */
    public static final List<String> SERVICE_LABELS = List.of("app.kubernetes.io/name", "app", "k8s-app");
    /** The label the Deployment controller puts on the pods (and ReplicaSets) it creates. */
    public static final String POD_TEMPLATE_HASH_LABEL = "pod-template-hash";
    /** Longest service segment: the Kubernetes label-value limit, so any valid label value fits whole. */
    public static final int MAX_SERVICE_LENGTH = 63;
    /** The service name used when nothing usable is left. */
    public static final String UNKNOWN = "unknown";

    /**
     * Characters Kubernetes uses for generated names: consonants and digits without vowels or look-alikes
     * ({@code k8s.io/apimachinery/pkg/util/rand}), so a suffix made of them is very likely generated.
     */
    private static final String GENERATED = "[bcdfghjklmnpqrstvwxz2456789]";
    private static final Pattern TEMPLATE_HASH_SUFFIX = Pattern.compile("^(.+)-" + GENERATED + "{5,10}$");
    private static final Pattern DEPLOYMENT_POD = Pattern.compile("^(.+)-" + GENERATED + "{5,10}-" + GENERATED + "{5}$");
    private static final Pattern RANDOM_POD_SUFFIX = Pattern.compile("^(.+)-" + GENERATED + "{5}$");
    private static final Pattern ORDINAL_SUFFIX = Pattern.compile("^(.+)-\\d+$");

    /** The controller that owns a pod, from its controlling {@code ownerReference}. */
    public record Owner(String kind, String name) {
    }

    private ServiceNames() {
    }

    /**
     * The service name of a pod.
     *
     * @param labels the pod's labels; may be null or empty
     * @param owner the pod's controlling owner; may be null
     * @param podName the pod's name
     * @return a non-empty segment of at most {@value #MAX_SERVICE_LENGTH} characters from {@code [A-Za-z0-9._-]}
     */
    public static String derive(Map<String, String> labels, Owner owner, String podName) {
        Map<String, String> podLabels = labels == null ? Map.of() : labels;
        for (String label : SERVICE_LABELS) {
            String value = podLabels.get(label);
            if (!isBlank(value)) {
                return sanitizeSegment(value, MAX_SERVICE_LENGTH);
            }
        }
        String fromOwner = fromOwner(owner, podLabels.get(POD_TEMPLATE_HASH_LABEL));
        if (fromOwner != null) {
            return sanitizeSegment(fromOwner, MAX_SERVICE_LENGTH);
        }
        return sanitizeSegment(fromPodName(podName, owner, podLabels.get(POD_TEMPLATE_HASH_LABEL)), MAX_SERVICE_LENGTH);
    }

    /**
     * Makes {@code raw} safe as one object-key path segment (and one directory name): surrounding whitespace
     * is trimmed, every character outside {@code [A-Za-z0-9._-]} (the Kubernetes label-value alphabet, which is
     * also on S3's list of safe key characters) becomes {@code _}, the result is cut to {@code maxLength}, and
     * a segment of only dots ({@code .}, {@code ..}) has them replaced, so it never navigates.
     *
     * @return the sanitized segment, or {@value #UNKNOWN} when {@code raw} is null or blank
     */
    public static String sanitizeSegment(String raw, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1, was " + maxLength);
        }
        if (isBlank(raw)) {
            return UNKNOWN;
        }
        StringBuilder out = new StringBuilder();
        raw.strip().codePoints().limit(maxLength).forEach(cp -> out.append(isSafe(cp) ? (char) cp : '_'));
        String segment = out.toString();
        return segment.chars().allMatch(c -> c == '.') ? segment.replace('.', '_') : segment;
    }

    private static String fromOwner(Owner owner, String templateHash) {
        if (owner == null || isBlank(owner.name()) || "Node".equals(owner.kind())) {
            // A mirror (static) pod is "owned" by its node; the node's name says nothing about the service.
            return null;
        }
        String name = owner.name().strip();
        if (!"ReplicaSet".equals(owner.kind())) {
            return name;
        }
        if (!isBlank(templateHash)) {
            String suffix = "-" + templateHash.strip();
            return name.endsWith(suffix) && name.length() > suffix.length()
                    ? name.substring(0, name.length() - suffix.length())
                    : name;
        }
        return stripOnce(TEMPLATE_HASH_SUFFIX, name);
    }

    private static String fromPodName(String podName, Owner owner, String templateHash) {
        if (isBlank(podName)) {
            return UNKNOWN;
        }
        String name = podName.strip();
        if (owner != null && "Node".equals(owner.kind()) && !isBlank(owner.name())) {
            String nodeSuffix = "-" + owner.name().strip();
            if (name.endsWith(nodeSuffix) && name.length() > nodeSuffix.length()) {
                return name.substring(0, name.length() - nodeSuffix.length());
            }
        }
        if (!isBlank(templateHash)) {
            Pattern withHash = Pattern.compile("^(.+)-" + Pattern.quote(templateHash.strip()) + "-" + GENERATED + "{5}$");
            Matcher matcher = withHash.matcher(name);
            if (matcher.matches()) {
                return matcher.group(1);
            }
        }
        for (Pattern generated : new Pattern[] {DEPLOYMENT_POD, RANDOM_POD_SUFFIX, ORDINAL_SUFFIX}) {
            Matcher matcher = generated.matcher(name);
            if (matcher.matches()) {
                return matcher.group(1);
            }
        }
        return name;
    }

    private static String stripOnce(Pattern suffix, String name) {
        Matcher matcher = suffix.matcher(name);
        return matcher.matches() ? matcher.group(1) : name;
    }

    private static boolean isSafe(int cp) {
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')
                || cp == '.' || cp == '_' || cp == '-';
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
