package io.bolometer.coordinator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * The test server's audit log of writes (create, update, patch, delete), so tests can count from the server side
 * which client wrote what — e.g. that a follower coordinator wrote nothing. Clients are told apart by user agent.
 */
public final class AuditLog {
    /** Metadata for every write, nothing for reads: small, and enough to count writes. */
    static final String POLICY = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: ["RequestReceived"]
            rules:
            - level: Metadata
              verbs: ["create", "update", "patch", "delete", "deletecollection"]
            - level: None
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    AuditLog(Path file) {
        this.file = file;
    }

    /**
     * One audited write. {@code subresource} is empty for the main resource, e.g. {@code status}; {@code at} is when
     * the server finished it (the event's {@code stageTimestamp}, microseconds).
     */
    public record Write(String user, String userAgent, String verb, String resource, String subresource,
                        String namespace, String name, int code, Instant at) {
    }

    public Path file() {
        return file;
    }

    /** All writes logged so far (the log backend writes before it answers, so a finished request is in it). */
    public List<Write> writes() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (var lines = Files.lines(file)) {
            return lines.filter(line -> !line.isBlank()).map(AuditLog::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Write> writes(Predicate<Write> filter) {
        return writes().stream().filter(filter).toList();
    }

    /** Writes whose user agent starts with {@code userAgentPrefix} (fabric8: {@code Config#setUserAgent}). */
    public List<Write> writesByUserAgent(String userAgentPrefix) {
        return writes(w -> w.userAgent().startsWith(userAgentPrefix));
    }

    private static Write parse(String line) {
        try {
            JsonNode event = JSON.readTree(line);
            JsonNode ref = event.path("objectRef");
            return new Write(event.path("user").path("username").asText(), event.path("userAgent").asText(),
                    event.path("verb").asText(), ref.path("resource").asText(), ref.path("subresource").asText(),
                    ref.path("namespace").asText(), ref.path("name").asText(),
                    event.path("responseStatus").path("code").asInt(),
                    Instant.parse(event.path("stageTimestamp").asText(Instant.EPOCH.toString())));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable audit event: " + line, e);
        }
    }
}
