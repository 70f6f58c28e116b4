package io.bolometer.coordinator.planning;

import io.bolometer.model.PodAnnotations;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a pod's profiling annotations: the pprof port and path (refusing values that could steer the agent
 * anywhere but {@code http://<pod IP>:<port>/<path>}) and the one-shot capture token.
 */
public record PodEndpoint(int port, String path, String captureToken) {

    /** The endpoint, or a problem sentence naming the bad annotation. */
    public static Result parse(Map<String, String> annotations) {
        int port = PodAnnotations.DEFAULT_PORT;
        String rawPort = annotations.get(PodAnnotations.PORT);
        if (rawPort != null) {
            try {
                port = Integer.parseInt(rawPort.trim());
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                return new Result(Optional.empty(), PodAnnotations.PORT + " \"" + rawPort + "\" is not a port number (1-65535)");
            }
        }
        String path = annotations.getOrDefault(PodAnnotations.PATH, PodAnnotations.DEFAULT_PATH);
        String pathProblem = pathProblem(path);
        if (pathProblem != null) {
            return new Result(Optional.empty(), PodAnnotations.PATH + " \"" + path + "\" " + pathProblem);
        }
        String token = annotations.get(PodAnnotations.CAPTURE);
        if (token != null && (token.isBlank() || token.length() > 253)) {
            token = null;
        }
        return new Result(Optional.of(new PodEndpoint(port, path, token)), null);
    }

    private static String pathProblem(String path) {
        if (!path.startsWith("/") || path.startsWith("//")) {
            return "must be an absolute path starting with a single /";
        }
        if (path.contains("://") || path.contains("?") || path.contains("#") || path.contains("%")
                || path.chars().anyMatch(c -> c <= ' ' || c == '\\')) {
            return "must not contain a scheme, query, fragment, escapes or whitespace";
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return "must not contain . or .. segments";
            }
        }
        return null;
    }

    /** Either an endpoint or a problem. */
    public record Result(Optional<PodEndpoint> endpoint, String problem) {
    }
}
