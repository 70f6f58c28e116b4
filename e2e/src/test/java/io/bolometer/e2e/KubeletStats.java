package io.bolometer.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Reads one container's figures out of a real kubelet's {@code /stats/summary}. */
final class KubeletStats {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KubeletStats() {
    }

    /** The container's {@code memory.workingSetBytes}; fails when the pod or container is not in the summary. */
    static long containerWorkingSetBytes(String summary, String namespace, String pod, String container) {
        try {
            for (JsonNode p : JSON.readTree(summary).path("pods")) {
                JsonNode ref = p.path("podRef");
                if (namespace.equals(ref.path("namespace").asText()) && pod.equals(ref.path("name").asText())) {
                    for (JsonNode c : p.path("containers")) {
                        if (container.equals(c.path("name").asText())) {
                            return c.path("memory").path("workingSetBytes").asLong();
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no container " + container + " of " + namespace + "/" + pod + " in the summary");
    }
}
