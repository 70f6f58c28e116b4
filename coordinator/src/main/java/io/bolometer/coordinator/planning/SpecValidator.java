package io.bolometer.coordinator.planning;

import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.OnDemand;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.ProfilingConfigSpec;
import io.bolometer.model.v1alpha1.S3Config;
import io.bolometer.model.v1alpha1.Selector;
import io.bolometer.model.v1alpha1.Thresholds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Semantic checks beyond the CRD schema: cross-field rules, the namespace rule and the S3 endpoint and bucket
 * allow-lists. Also repeats the schema's ranges, so a server that skipped schema validation can't slip one by.
 *
 * <p>Every problem is listed. The reason is the most serious kind found: {@value #NAMESPACE_NOT_ALLOWED}, then
 * {@value #ENDPOINT_NOT_ALLOWED}, then {@value #BUCKET_NOT_ALLOWED}, else {@value #INVALID_SPEC}.
 */
public final class SpecValidator {
    public static final String INVALID_SPEC = "InvalidSpec";
    public static final String NAMESPACE_NOT_ALLOWED = "NamespaceNotAllowed";
    public static final String ENDPOINT_NOT_ALLOWED = "EndpointNotAllowed";
    public static final String BUCKET_NOT_ALLOWED = "BucketNotAllowed";
    public static final String PREFIX_NOT_ALLOWED = "PrefixNotAllowed";
    private static final List<String> REASONS_BY_PRIORITY =
            List.of(NAMESPACE_NOT_ALLOWED, ENDPOINT_NOT_ALLOWED, BUCKET_NOT_ALLOWED, PREFIX_NOT_ALLOWED, INVALID_SPEC);
    /** Messages listed on the condition; a spec with more problems gets "and N more". */
    static final int MAX_MESSAGES = 10;
    private static final java.util.regex.Pattern PREFIX = java.util.regex.Pattern.compile(S3Config.PREFIX_PATTERN);
    private static final java.util.regex.Pattern REGION = java.util.regex.Pattern.compile(S3Config.REGION_PATTERN);
    private static final java.util.regex.Pattern ACCOUNT_ID =
            java.util.regex.Pattern.compile(S3Config.ACCOUNT_ID_PATTERN);

    private final PlannerSettings settings;

    public SpecValidator(PlannerSettings settings) {
        this.settings = settings;
    }

    private record Problem(String reason, String message) {
    }

    public Validation validate(ProfilingConfig config) {
        List<Problem> problems = new ArrayList<>();
        ProfilingConfigSpec spec = config.getSpec();
        if (spec == null) {
            problems.add(invalid("spec is required"));
        } else {
            String own = config.getMetadata().getNamespace();
            boolean privileged = Objects.equals(own, settings.coordinatorNamespace());
            checkSelector(spec.getSelector(), own, privileged, problems);
            checkThresholds(spec, problems);
            checkProfileTypes(spec, problems);
            checkS3(spec.getS3Config(), own, privileged, problems);
        }
        if (problems.isEmpty()) {
            return Validation.VALID;
        }
        String reason = REASONS_BY_PRIORITY.stream()
                .filter(r -> problems.stream().anyMatch(p -> p.reason().equals(r))).findFirst().orElseThrow();
        List<String> messages = problems.stream().map(Problem::message).limit(MAX_MESSAGES).collect(
                java.util.stream.Collectors.toCollection(ArrayList::new));
        if (problems.size() > MAX_MESSAGES) {
            messages.add("and " + (problems.size() - MAX_MESSAGES) + " more problems");
        }
        return Validation.invalid(reason, messages);
    }

    private void checkSelector(Selector selector, String own, boolean privileged, List<Problem> problems) {
        if (selector == null) {
            return;
        }
        String namespace = selector.getNamespace();
        if (namespace != null && !namespace.isBlank()) {
            if (!LabelSelectors.isNamespaceName(namespace)) {
                problems.add(invalid("spec.selector.namespace " + Echo.quote(namespace) + " is not a valid namespace name"));
            } else if (!privileged && !namespace.equals(own)) {
                problems.add(new Problem(NAMESPACE_NOT_ALLOWED, "spec.selector.namespace " + Echo.quote(namespace)
                        + " is not allowed: a ProfilingConfig outside " + settings.coordinatorNamespace()
                        + " may select only its own namespace (" + own + ")"));
            }
        }
        LabelSelectors.problems("spec.selector", selector.getLabelSelector(), selector.getMatchExpressions())
                .forEach(message -> problems.add(invalid(message)));
    }

    private static void checkThresholds(ProfilingConfigSpec spec, List<Problem> problems) {
        Thresholds thresholds = spec.thresholdsOrDefault();
        OnDemand onDemand = spec.onDemandOrDefault();
        range("spec.thresholds.cpuThresholdPercent", thresholds.getCpuThresholdPercent(), 1, 1000, problems);
        range("spec.thresholds.memoryThresholdPercent", thresholds.getMemoryThresholdPercent(), 1, 100, problems);
        boolean checkOk = range("spec.thresholds.checkIntervalSeconds", thresholds.getCheckIntervalSeconds(), 5, 3600,
                problems);
        range("spec.thresholds.cooldownSeconds", thresholds.getCooldownSeconds(), 0, 86400, problems);
        boolean intervalOk = range("spec.onDemand.intervalSeconds", onDemand.getIntervalSeconds(), 10, 86400, problems);
        boolean cpuOk = range("spec.cpuProfileSeconds", spec.getCpuProfileSeconds(), 1, 60, problems);
        if (!cpuOk) {
            return;
        }
        // A CPU profile runs for cpuProfileSeconds; it has to end before the next check or periodic capture is due.
        int cpuSeconds = spec.cpuProfileSecondsOrDefault();
        if (checkOk && cpuSeconds >= thresholds.checkIntervalOrDefault()) {
            problems.add(invalid("cpuProfileSeconds (" + cpuSeconds + ") must be shorter than checkIntervalSeconds ("
                    + thresholds.checkIntervalOrDefault() + ")"));
        }
        if (intervalOk && onDemand.enabledOrDefault() && cpuSeconds >= onDemand.intervalOrDefault()) {
            problems.add(invalid("cpuProfileSeconds (" + cpuSeconds + ") must be shorter than onDemand.intervalSeconds ("
                    + onDemand.intervalOrDefault() + ")"));
        }
    }

    private static void checkProfileTypes(ProfilingConfigSpec spec, List<Problem> problems) {
        List<ProfileType> types = spec.getProfileTypes();
        if (types == null) {
            return;
        }
        Set<ProfileType> seen = new HashSet<>();
        Set<ProfileType> reported = new HashSet<>();
        for (int i = 0; i < types.size(); i++) {
            ProfileType type = types.get(i);
            if (type == null) {
                problems.add(invalid("spec.profileTypes[" + i + "] is empty"));
            } else if (!seen.add(type) && reported.add(type)) {
                problems.add(invalid("spec.profileTypes lists \"" + type.wireName() + "\" more than once"));
            }
        }
    }

    /** Checks an optional value (null means the default, which is in range); true when it is usable. */
    private static boolean range(String field, Integer value, int min, int max, List<Problem> problems) {
        if (value == null || (value >= min && value <= max)) {
            return true;
        }
        problems.add(invalid(field + " (" + value + ") must be between " + min + " and " + max));
        return false;
    }

    private static Problem invalid(String message) {
        return new Problem(INVALID_SPEC, message);
    }

    private void checkS3(S3Config s3, String own, boolean privileged, List<Problem> problems) {
        if (s3 == null) {
            problems.add(invalid("spec.s3Config is required"));
            return;
        }
        String bucket = s3.getBucket();
        if (bucket == null || bucket.isBlank()) {
            problems.add(invalid("spec.s3Config.bucket is required"));
        } else if (!S3Names.isBucketName(bucket)) {
            problems.add(invalid("spec.s3Config.bucket " + Echo.quote(bucket) + " is not a valid S3 bucket name (3-63"
                    + " characters: lowercase letters, digits, dots and hyphens, starting and ending with a letter or"
                    + " digit)"));
        } else if (!privileged && !settings.allowedBuckets().isEmpty() && !settings.allowedBuckets().contains(bucket)) {
            problems.add(new Problem(BUCKET_NOT_ALLOWED, "spec.s3Config.bucket " + Echo.quote(bucket) + " is not allowed: a"
                    + " ProfilingConfig outside " + settings.coordinatorNamespace() + " may use only "
                    + String.join(", ", settings.allowedBuckets())));
        }
        checkPrefix(s3.getPrefix(), own, privileged, problems);
        String region = s3.getRegion();
        if (region != null && !region.isBlank()
                && (region.length() > S3Config.MAX_REGION_LENGTH || !REGION.matcher(region.strip()).matches())) {
            problems.add(invalid("spec.s3Config.region " + Echo.quote(region) + " is not a region name (at most "
                    + S3Config.MAX_REGION_LENGTH + " lowercase letters, digits and single hyphens, e.g. us-east-1)"));
        }
        String owner = s3.getExpectedBucketOwner();
        if (owner != null && !owner.isBlank() && !ACCOUNT_ID.matcher(owner).matches()) {
            problems.add(invalid("spec.s3Config.expectedBucketOwner " + Echo.quote(owner)
                    + " is not an AWS account ID (12 digits)"));
        }
        String endpoint = s3.getEndpoint();
        if (endpoint == null || endpoint.isBlank()) {
            return;
        }
        String why = endpoint.length() > S3Config.MAX_ENDPOINT_LENGTH
                ? "is longer than " + S3Config.MAX_ENDPOINT_LENGTH + " characters" : S3Names.endpointProblem(endpoint);
        if (why != null) {
            problems.add(invalid("spec.s3Config.endpoint " + Echo.quote(endpoint) + " " + why));
        } else if (!privileged && settings.allowedEndpoints().stream()
                .noneMatch(allowed -> S3Names.sameEndpoint(allowed, endpoint))) {
            problems.add(new Problem(ENDPOINT_NOT_ALLOWED, "spec.s3Config.endpoint " + Echo.quote(endpoint) + " is not"
                    + " allowed: a ProfilingConfig outside " + settings.coordinatorNamespace() + " may set only an"
                    + " endpoint listed in s3.allowedEndpoints" + (settings.allowedEndpoints().isEmpty() ? " (none are)" : "")));
        }
    }

    /**
     * Length and characters of the prefix, and with tenant prefixes on, that a config outside the coordinator's
     * namespace writes under {@code <its namespace>/} (an omitted prefix becomes {@code <namespace>/profiles}).
     */
    private void checkPrefix(String prefix, String own, boolean privileged, List<Problem> problems) {
        if (prefix == null) {
            return;
        }
        if (prefix.length() > S3Config.MAX_PREFIX_LENGTH) {
            problems.add(invalid("spec.s3Config.prefix is longer than " + S3Config.MAX_PREFIX_LENGTH + " characters ("
                    + prefix.length() + ")"));
            return;
        }
        if (!PREFIX.matcher(prefix).matches()) {
            problems.add(invalid("spec.s3Config.prefix " + Echo.quote(prefix) + " may contain only letters, digits,"
                    + " '/' and !_.*'()-"));
            return;
        }
        if (settings.tenantPrefixes() && !privileged && !TenantPrefixes.isUnder(prefix, own)) {
            problems.add(new Problem(PREFIX_NOT_ALLOWED, "spec.s3Config.prefix " + Echo.quote(prefix) + " is not"
                    + " allowed: a ProfilingConfig outside " + settings.coordinatorNamespace() + " must write under"
                    + " its namespace (use \"" + TenantPrefixes.suggest(prefix, own) + "\")"));
        }
    }
}
