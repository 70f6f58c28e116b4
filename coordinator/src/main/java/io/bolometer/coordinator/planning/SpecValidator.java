package io.bolometer.coordinator.planning;

import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.OnDemand;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.ProfilingConfigSpec;
import io.bolometer.model.v1alpha1.S3Config;
import io.bolometer.model.v1alpha1.Thresholds;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Semantic checks beyond the CRD schema: cross-field rules, the namespace rule and the S3 endpoint and bucket
 * allow-lists. Also repeats the schema's ranges, so a server that skipped schema validation can't slip one by.
 */
public final class SpecValidator {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private final PlannerSettings settings;

    public SpecValidator(PlannerSettings settings) {
        this.settings = settings;
    }

    public Validation validate(ProfilingConfig config) {
        ProfilingConfigSpec spec = config.getSpec();
        if (spec == null) {
            return Validation.invalid("InvalidSpec", List.of("spec is required"));
        }
        String namespace = config.getMetadata().getNamespace();
        boolean privileged = Objects.equals(namespace, settings.coordinatorNamespace());
        List<String> invalid = new ArrayList<>();
        ranges(spec, invalid);
        crossField(spec, invalid);
        profileTypes(spec, invalid);
        invalid.addAll(LabelSelectors.problems(spec.getSelector()));
        S3Config s3 = spec.getS3Config();
        if (s3 == null || s3.getBucket() == null || s3.getBucket().isBlank()) {
            invalid.add("spec.s3Config.bucket is required");
        } else if (!BUCKET.matcher(s3.getBucket()).matches() || s3.getBucket().contains("..")) {
            invalid.add("spec.s3Config.bucket \"" + s3.getBucket() + "\" is not a valid S3 bucket name "
                    + "(3-63 lowercase letters, digits, dots, hyphens)");
        }
        if (s3 != null && s3.getEndpoint() != null && !s3.getEndpoint().isBlank()) {
            String problem = endpointProblem(s3.getEndpoint());
            if (problem != null) {
                invalid.add("spec.s3Config.endpoint " + problem);
            }
        }
        if (!invalid.isEmpty()) {
            return Validation.invalid("InvalidSpec", invalid);
        }
        if (!privileged) {
            Validation security = security(spec, namespace);
            if (!security.valid()) {
                return security;
            }
        }
        return Validation.VALID;
    }

    private Validation security(ProfilingConfigSpec spec, String namespace) {
        String selected = spec.getSelector() == null ? null : spec.getSelector().getNamespace();
        if (selected != null && !selected.isBlank() && !selected.equals(namespace)) {
            return Validation.invalid("NamespaceNotAllowed", List.of("spec.selector.namespace \"" + selected
                    + "\" is not this config's namespace \"" + namespace + "\"; only configs in "
                    + settings.coordinatorNamespace() + " may select other namespaces"));
        }
        S3Config s3 = spec.getS3Config();
        String endpoint = s3.getEndpoint();
        if (endpoint != null && !endpoint.isBlank() && !settings.allowedEndpoints().contains(endpoint)) {
            return Validation.invalid("EndpointNotAllowed", List.of("spec.s3Config.endpoint \"" + endpoint
                    + "\" is not in the chart's s3.allowedEndpoints"));
        }
        if (!settings.allowedBuckets().isEmpty() && !settings.allowedBuckets().contains(s3.getBucket())) {
            return Validation.invalid("BucketNotAllowed", List.of("spec.s3Config.bucket \"" + s3.getBucket()
                    + "\" is not in the chart's s3.allowedBuckets"));
        }
        return Validation.VALID;
    }

    private static void ranges(ProfilingConfigSpec spec, List<String> invalid) {
        Thresholds t = spec.getThresholds();
        if (t != null) {
            range(invalid, "spec.thresholds.cpuThresholdPercent", t.getCpuThresholdPercent(), 1, 1000);
            range(invalid, "spec.thresholds.memoryThresholdPercent", t.getMemoryThresholdPercent(), 1, 100);
            range(invalid, "spec.thresholds.checkIntervalSeconds", t.getCheckIntervalSeconds(), 5, 3600);
            range(invalid, "spec.thresholds.cooldownSeconds", t.getCooldownSeconds(), 0, 86400);
        }
        if (spec.getOnDemand() != null) {
            range(invalid, "spec.onDemand.intervalSeconds", spec.getOnDemand().getIntervalSeconds(), 10, 86400);
        }
        range(invalid, "spec.cpuProfileSeconds", spec.getCpuProfileSeconds(), 1, 60);
    }

    private static void range(List<String> invalid, String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            invalid.add(field + " (" + value + ") must be between " + min + " and " + max);
        }
    }

    private static void crossField(ProfilingConfigSpec spec, List<String> invalid) {
        List<ProfileType> types = spec.profileTypesOrDefault();
        if (!types.contains(ProfileType.CPU)) {
            return;
        }
        int cpuSeconds = spec.cpuProfileSecondsOrDefault();
        int check = spec.thresholdsOrDefault().checkIntervalOrDefault();
        if (cpuSeconds >= check) {
            invalid.add("cpuProfileSeconds (" + cpuSeconds + ") must be shorter than checkIntervalSeconds (" + check + ")");
        }
        OnDemand onDemand = spec.onDemandOrDefault();
        if (onDemand.enabledOrDefault() && cpuSeconds >= onDemand.intervalOrDefault()) {
            invalid.add("cpuProfileSeconds (" + cpuSeconds + ") must be shorter than onDemand.intervalSeconds ("
                    + onDemand.intervalOrDefault() + ")");
        }
    }

    private static void profileTypes(ProfilingConfigSpec spec, List<String> invalid) {
        if (spec.getProfileTypes() == null) {
            return;
        }
        Set<ProfileType> seen = new HashSet<>();
        for (ProfileType type : spec.getProfileTypes()) {
            if (type == null) {
                invalid.add("spec.profileTypes must not contain null");
            } else if (!seen.add(type)) {
                invalid.add("spec.profileTypes lists " + type + " twice");
            }
        }
    }

    private static String endpointProblem(String endpoint) {
        try {
            URI uri = new URI(endpoint);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                return "\"" + endpoint + "\" must be an http or https URL";
            }
            if (uri.getRawUserInfo() != null) {
                return "must not carry credentials";
            }
            if (uri.getHost() == null) {
                return "\"" + endpoint + "\" has no host";
            }
            return null;
        } catch (Exception e) {
            return "\"" + endpoint + "\" is not a URL";
        }
    }
}
