package io.bolometer.coordinator.planning;

import io.bolometer.model.PodAnnotations;
import io.bolometer.model.ProfileType;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a pod's {@code profiling.io/*} annotations into where its pprof server is, rejecting values that could
 * point the agent anywhere but {@code http://<podIP>:<port><path>}.
 */
public final class PodAnnotationsParser {
    /** Longest pprof path accepted: a path is copied into the node's assignment, so it is kept short. */
    public static final int MAX_PATH_LENGTH = 128;
    /** A capture token: a few characters that are safe in logs, status and Events as they are. */
    public static final Pattern CAPTURE_TOKEN = Pattern.compile("[A-Za-z0-9._-]{1,63}");
    /** RFC 3986 path characters (unreserved, sub-delims, ':', '@', '%' escapes) and '/'. */
    private static final Pattern PATH_CHARACTERS = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:@%/-]*");

    /**
     * The outcome for one pod.
     *
     * @param endpoint where to fetch profiles, or null when the port or path is unusable (the pod is skipped)
     * @param problems what is wrong with the annotations; a bad capture token is reported but doesn't skip the pod
     */
    public record Result(PprofEndpoint endpoint, List<String> problems) {
        public Result {
            problems = List.copyOf(problems);
        }
    }

    /**
     * The pprof port and root path of a pod, its current one-shot capture token (or null) and the types that
     * capture takes (empty: all the config's).
     */
    public record PprofEndpoint(int port, String path, String captureToken, List<ProfileType> captureTypes) {
        public PprofEndpoint {
            captureTypes = captureTypes == null ? List.of() : List.copyOf(captureTypes);
        }

        /** An endpoint whose capture, if any, takes every type. */
        public PprofEndpoint(int port, String path, String captureToken) {
            this(port, path, captureToken, List.of());
        }
    }

    private PodAnnotationsParser() {
    }

    /** Whether the pod opted in: {@code profiling.io/enabled} is {@code "true"} (any case). */
    public static boolean isEnabled(Map<String, String> annotations) {
        return "true".equalsIgnoreCase(annotations.get(PodAnnotations.ENABLED));
    }

    public static Result parse(Map<String, String> annotations) {
        List<String> problems = new ArrayList<>();
        Integer port = port(annotations.get(PodAnnotations.PORT), problems);
        String path = path(annotations.get(PodAnnotations.PATH), problems);
        String token = captureToken(annotations.get(PodAnnotations.CAPTURE), problems);
        List<ProfileType> types = token == null ? List.of()
                : captureTypes(annotations.get(PodAnnotations.CAPTURE_TYPES), problems);
        PprofEndpoint endpoint = port == null || path == null ? null : new PprofEndpoint(port, path, token, types);
        return new Result(endpoint, problems);
    }

    private static Integer port(String raw, List<String> problems) {
        if (raw == null) {
            return PodAnnotations.DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(raw.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, with the value as written
        }
        problems.add(PodAnnotations.PORT + " " + Echo.quote(raw) + " is not a port number (1-65535)");
        return null;
    }

    private static String path(String raw, List<String> problems) {
        if (raw == null) {
            return PodAnnotations.DEFAULT_PATH;
        }
        String why = pathProblem(raw);
        if (why == null) {
            return raw;
        }
        problems.add(PodAnnotations.PATH + " " + Echo.quote(raw) + " " + why);
        return null;
    }

    private static String pathProblem(String path) {
        if (path.length() > MAX_PATH_LENGTH) {
            return "is longer than " + MAX_PATH_LENGTH + " characters";
        }
        if (!path.startsWith("/")) {
            return "must start with /";
        }
        if (path.startsWith("//") || path.contains("://")) {
            return "must be a path on the pod, not a URL";
        }
        if (path.chars().anyMatch(c -> c == '?' || c == '#' || c == '\\' || Character.isWhitespace(c)
                || Character.isISOControl(c))) {
            return "must not contain '?', '#', '\\', whitespace or control characters";
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                return "must not contain '.' or '..' segments";
            }
        }
        if (!PATH_CHARACTERS.matcher(path).matches()) {
            return "may contain only letters, digits, '/' and -._~!$&'()*+,;=:@%";
        }
        return null;
    }

    /** The types of a requested capture: known type names, comma-separated, each once; else all types. */
    private static List<ProfileType> captureTypes(String raw, List<String> problems) {
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        Set<ProfileType> types = new LinkedHashSet<>();
        for (String name : raw.split(",", -1)) {
            try {
                types.add(ProfileType.fromWireName(name));
            } catch (IllegalArgumentException unknown) {
                problems.add(PodAnnotations.CAPTURE_TYPES + " " + Echo.quote(raw) + " is not a comma-separated list"
                        + " of heap, cpu, goroutine, mutex, block, allocs; the capture takes every type");
                return List.of();
            }
        }
        return List.copyOf(types);
    }

    private static String captureToken(String raw, List<String> problems) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        if (!CAPTURE_TOKEN.matcher(raw).matches()) {
            problems.add(PodAnnotations.CAPTURE + " " + Echo.quote(raw) + " is not 1-63 letters, digits, '.', '_'"
                    + " or '-'; the capture request is ignored");
            return null;
        }
        return raw;
    }
}
