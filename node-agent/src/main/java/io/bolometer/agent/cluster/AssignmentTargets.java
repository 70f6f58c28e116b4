package io.bolometer.agent.cluster;

import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.targets.TargetSettings;
import io.bolometer.agent.targets.ResourceLimits;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.PodAnnotations;
import io.bolometer.model.ServiceNames;
import io.bolometer.model.v1alpha1.AssignedConfig;
import io.bolometer.model.v1alpha1.AssignedTarget;
import io.bolometer.model.v1alpha1.ProfilingAssignment;
import io.bolometer.model.v1alpha1.ProfilingAssignmentSpec;
import io.bolometer.model.v1alpha1.ProfilingAssignmentStatus;
import io.bolometer.model.v1alpha1.S3Config;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Turns a node's {@code ProfilingAssignment} into the agent's targets, one per (config, pod) pair, refusing any
 * target whose address is not a pod IP literal: the agent fetches only {@code http://<podIP>:<port>}.
 */
public final class AssignmentTargets {

    /** The targets, and one sentence per assigned target (or pair) that was left out and why. */
    public record Mapping(List<ProfilingTarget> targets, List<String> rejected) {
        public Mapping {
            targets = List.copyOf(targets);
            rejected = List.copyOf(rejected);
        }
    }

    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
    /** A pprof root: absolute, no authority ({@code //}), no query, only unreserved characters. */
    private static final Pattern PATH = Pattern.compile("/(?!/)[A-Za-z0-9._~\\-/]*");
    private static final Pattern REGION = Pattern.compile(S3Config.REGION_PATTERN);
    private static final Pattern CAPTURE_TOKEN = Pattern.compile("[A-Za-z0-9._-]{1,63}");

    private AssignmentTargets() {
    }

    /** The targets of {@code assignment}, skipping capture tokens its status marks as handled. */
    public static List<ProfilingTarget> from(ProfilingAssignment assignment) {
        return map(assignment, Map.of()).targets();
    }

    /**
     * Maps {@code assignment} (null = deleted: no targets). A pod's capture token is passed on only when it differs
     * from the token last handled for that pod, per the status or {@code handledTokens} (pod {@code ns/name} → token,
     * this run's knowledge, which wins), and only on the pod's first config, so a new token is captured once.
     */
    public static Mapping map(ProfilingAssignment assignment, Map<String, String> handledTokens) {
        return map(assignment, handledTokens, new FetchTargetGuard(null), EndpointPolicy.NONE);
    }

    /**
     * As above, refusing pod IPs {@code guard} forbids (link-local, the node's own address, loopback) and configs
     * whose S3 endpoint {@code endpoints} does not allow.
     */
    public static Mapping map(ProfilingAssignment assignment, Map<String, String> handledTokens, FetchTargetGuard guard,
                              EndpointPolicy endpoints) {
        if (assignment == null || assignment.getSpec() == null) {
            return new Mapping(List.of(), List.of());
        }
        ProfilingAssignmentSpec spec = assignment.getSpec();
        String node = spec.getNodeName() != null ? spec.getNodeName() : assignment.getMetadata().getName();
        Map<String, AssignedConfig> configs = new LinkedHashMap<>();
        for (AssignedConfig config : nullSafe(spec.getConfigs())) {
            configs.put(config.id(), config);
        }
        Map<String, String> handled = new HashMap<>(statusTokens(assignment.getStatus()));
        handled.putAll(handledTokens);
        List<ProfilingTarget> targets = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (AssignedTarget assigned : nullSafe(spec.getTargets())) {
            PodRef pod = new PodRef(assigned.getNamespace(), assigned.getName());
            URI baseUrl;
            try {
                baseUrl = baseUrl(assigned.getPodIP(), assigned.getPort());
            } catch (IllegalArgumentException e) {
                rejected.add("Not profiling " + pod + ": " + e.getMessage());
                continue;
            }
            String forbidden = guard.problem(assigned.getPodIP().trim());
            if (forbidden != null) {
                rejected.add("Not profiling " + pod + ": " + forbidden);
                continue;
            }
            String path = assigned.getPath() == null ? PodAnnotations.DEFAULT_PATH : assigned.getPath();
            if (!PATH.matcher(path).matches()) {
                rejected.add("Not profiling " + pod + ": pprof path " + path + " is not a plain absolute path");
                continue;
            }
            String token = unhandledToken(assigned.getCaptureToken(), handled.get(pod.toString()));
            boolean first = true;
            for (String configId : nullSafe(assigned.getConfigs()).stream().sorted().toList()) {
                AssignedConfig config = configs.get(configId);
                if (config == null) {
                    rejected.add("Not profiling " + pod + " for " + configId + ": the assignment lists no such config");
                    continue;
                }
                S3Config s3 = config.getS3Config();
                if (s3 == null || s3.getBucket() == null || s3.getBucket().isBlank()) {
                    rejected.add("Not profiling " + pod + " for " + configId + ": the config names no bucket");
                    continue;
                }
                String endpointProblem = endpoints.problem(config.getNamespace(), s3.getEndpoint());
                if (endpointProblem != null) {
                    rejected.add("Not profiling " + pod + " for " + configId + ": " + endpointProblem);
                    continue;
                }
                if (s3.getRegion() != null && (s3.getRegion().length() > S3Config.MAX_REGION_LENGTH
                        || !REGION.matcher(s3.getRegion()).matches())) {
                    // One native S3 client per region: a made-up region per config must not create them without end.
                    rejected.add("Not profiling " + pod + " for " + configId + ": the config's region is not a region name");
                    continue;
                }
                targets.add(new ProfilingTarget(configId, pod, node, baseUrl, path, service(assigned),
                        assigned.getLabels() == null ? Map.of() : assigned.getLabels(), limits(assigned),
                        TargetSettings.from(config.toSpec()), store(s3), s3.prefixOrDefault(), 0,
                        first ? token : null, first && token != null ? nullSafe(assigned.getCaptureTypes()) : List.of()));
                first = false;
            }
        }
        return new Mapping(targets, rejected);
    }

    /** Handled token per pod ({@code ns/name}) as the status records it. */
    public static Map<String, String> statusTokens(ProfilingAssignmentStatus status) {
        Map<String, String> tokens = new HashMap<>();
        if (status != null) {
            for (ProfilingAssignmentStatus.TargetState state : nullSafe(status.getTargets())) {
                if (state.getPod() != null && state.getHandledCaptureToken() != null) {
                    tokens.put(state.getPod(), state.getHandledCaptureToken());
                }
            }
        }
        return tokens;
    }

    /** {@code http://<ip>:<port>}, brackets around IPv6; anything but an IP literal is refused, never resolved. */
    static URI baseUrl(String podIP, Integer port) {
        if (podIP == null || podIP.isBlank()) {
            throw new IllegalArgumentException("it has no pod IP yet");
        }
        int p = port == null ? PodAnnotations.DEFAULT_PORT : port;
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("port " + p + " is out of range");
        }
        String ip = podIP.trim();
        if (IPV4.matcher(ip).matches()) {
            return URI.create("http://" + ip + ":" + p);
        }
        if (ip.contains(":") && IPV6_CHARS.matcher(ip).matches()) {
            // Only hex digits, colons and dots here, so the JDK parses a literal and never asks DNS.
            try {
                InetAddress.getByName(ip);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("pod IP " + ip + " is not an IP address");
            }
            return URI.create("http://[" + ip.toLowerCase(Locale.ROOT) + "]:" + p);
        }
        throw new IllegalArgumentException("pod IP " + ip + " is not an IP address; the agent fetches only pod IPs");
    }

    private static String unhandledToken(String token, String handled) {
        if (token == null || token.isBlank() || !CAPTURE_TOKEN.matcher(token).matches()) {
            // The coordinator passes only [A-Za-z0-9._-]{1,63}; anything else would reach logs and status raw.
            return null;
        }
        return Objects.equals(token, handled) ? null : token;
    }

    private static String service(AssignedTarget assigned) {
        if (assigned.getService() != null && !assigned.getService().isBlank()) {
            return assigned.getService();
        }
        Map<String, String> labels = assigned.getLabels() == null ? Map.of() : assigned.getLabels();
        return ServiceNames.derive(labels, null, assigned.getName());
    }

    private static ResourceLimits limits(AssignedTarget assigned) {
        double cpu = assigned.getCpuCores() == null ? 0 : assigned.getCpuCores();
        long memory = assigned.getMemoryBytes() == null ? 0 : assigned.getMemoryBytes();
        return new ResourceLimits(cpu, basis(cpu > 0, assigned.getCpuBasis()), memory,
                basis(memory > 0, assigned.getMemoryBasis()));
    }

    private static ResourceLimits.Basis basis(boolean set, String basis) {
        if (!set || basis == null) {
            return ResourceLimits.Basis.UNKNOWN;
        }
        return switch (basis.toLowerCase(Locale.ROOT)) {
            case "limit" -> ResourceLimits.Basis.LIMIT;
            case "request" -> ResourceLimits.Basis.REQUEST;
            case "allocatable" -> ResourceLimits.Basis.ALLOCATABLE;
            default -> ResourceLimits.Basis.UNKNOWN;
        };
    }

    private static StoreLocation store(S3Config s3) {
        String endpoint = s3.getEndpoint() == null || s3.getEndpoint().isBlank() ? null : s3.getEndpoint();
        // Path-style for every custom endpoint: a bucket name never becomes part of a host name the agent resolves.
        return new StoreLocation.S3(s3.getBucket(), s3.getRegion(), endpoint, s3.forcePathStyleOrDefault() || endpoint != null,
                s3.getExpectedBucketOwner());
    }

    private static <T> List<T> nullSafe(List<T> list) {
        return list == null ? List.of() : list;
    }
}
