package io.bolometer.agent.kubelet;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.trigger.PodUsage;
import io.bolometer.agent.trigger.UsageSnapshot;
import io.bolometer.agent.trigger.UsageSourceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the JSON of the kubelet's {@code GET /stats/summary?only_cpu_and_memory=true} into a {@link KubeletSummary}.
 *
 * <p>The shape is {@code k8s.io/kubelet/pkg/apis/stats/v1alpha1.Summary}: {@code {node: NodeStats, pods: [PodStats]}},
 * every counter an optional {@code uint64}. One bad pod never fails the whole answer: a counter that is missing,
 * negative, fractional or implausibly large reads as unknown (-1) and the other pods are still reported. Only an
 * answer that is not a summary at all (malformed JSON, another object) fails, with kind {@code bad-response}.
 */
public final class KubeletSummaryParser {

    /** Working sets above 1 PiB are a wrapped or corrupt counter, not memory. */
    static final long MAX_PLAUSIBLE_BYTES = 1L << 50;

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Parses a UTF-8 body read at {@code readAt}; {@code readAt} stands in for readings that carry no time. */
    public KubeletSummary parse(byte[] body, Instant readAt) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JacksonException e) {
            throw new UsageSourceException("bad-response",
                    "kubelet summary is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UsageSourceException("bad-response", "kubelet summary could not be read: " + e.getMessage());
        }
        return parse(root, readAt);
    }

    /** Parses a body already decoded to a string. */
    public KubeletSummary parse(String body, Instant readAt) {
        return parse(body.getBytes(StandardCharsets.UTF_8), readAt);
    }

    private KubeletSummary parse(JsonNode root, Instant readAt) {
        if (root == null || !root.isObject()) {
            throw new UsageSourceException("bad-response", "kubelet summary is not a JSON object");
        }
        JsonNode node = root.path("node");
        JsonNode pods = root.path("pods");
        // A Status object (an API-server proxy error) or any other object has neither key.
        if (!node.isObject() && !pods.isArray()) {
            throw new UsageSourceException("bad-response",
                    "kubelet summary has neither a node object nor a pods array");
        }
        if (!pods.isMissingNode() && !pods.isNull() && !pods.isArray()) {
            throw new UsageSourceException("bad-response", "kubelet summary's pods is not an array");
        }

        Map<PodRef, PodUsage> usage = new HashMap<>();
        Map<PodRef, String> uids = new HashMap<>();
        Map<PodRef, Instant> startTimes = new HashMap<>();
        int skipped = 0;
        for (JsonNode pod : pods) {
            Optional<PodRef> ref = podRef(pod);
            if (ref.isEmpty()) {
                skipped++;
                continue;
            }
            Instant started = time(pod.path("startTime")).orElse(Instant.MIN);
            Instant previous = startTimes.get(ref.get());
            // A pod re-created under the same name (StatefulSet) can be listed twice for a moment: keep the newer.
            if (previous != null && !started.isAfter(previous)) {
                continue;
            }
            startTimes.put(ref.get(), started);
            usage.put(ref.get(), podUsage(pod, readAt));
            String uid = pod.path("podRef").path("uid").asText("");
            if (uid.isEmpty()) {
                uids.remove(ref.get());
            } else {
                uids.put(ref.get(), uid);
            }
        }
        String nodeName = node.path("nodeName").isTextual() ? node.path("nodeName").asText() : null;
        PodUsage nodeUsage = new PodUsage(
                time(node.path("cpu").path("time")).or(() -> time(node.path("memory").path("time"))).orElse(readAt),
                counter(node.path("cpu").path("usageCoreNanoSeconds")),
                bytes(node.path("memory").path("workingSetBytes")));
        return new KubeletSummary(nodeName, nodeUsage, new UsageSnapshot(readAt, usage), uids, skipped);
    }

    private static Optional<PodRef> podRef(JsonNode pod) {
        JsonNode ref = pod.path("podRef");
        JsonNode name = ref.path("name");
        JsonNode namespace = ref.path("namespace");
        if (!name.isTextual() || !namespace.isTextual() || name.asText().isEmpty() || namespace.asText().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PodRef(namespace.asText(), name.asText()));
    }

    private static PodUsage podUsage(JsonNode pod, Instant readAt) {
        JsonNode cpu = pod.path("cpu");
        JsonNode memory = pod.path("memory");
        long cpuNanos = measured(counter(cpu.path("usageCoreNanoSeconds")));
        long workingSet = measured(bytes(memory.path("workingSetBytes")));
        Optional<Instant> time = time(cpu.path("time")).or(() -> time(memory.path("time")));
        // Pod-level stats come from the pod cgroup; without them the running containers add up to nearly the same.
        if (cpuNanos < 0) {
            cpuNanos = sumOverContainers(pod, "cpu", "usageCoreNanoSeconds", Long.MAX_VALUE);
        }
        if (workingSet < 0) {
            workingSet = sumOverContainers(pod, "memory", "workingSetBytes", MAX_PLAUSIBLE_BYTES);
        }
        if (time.isEmpty()) {
            time = latestContainerTime(pod);
        }
        return new PodUsage(time.orElse(readAt), cpuNanos, workingSet);
    }

    /** The sum of one counter over all containers, or -1 unless every container reports it. */
    private static long sumOverContainers(JsonNode pod, String group, String field, long max) {
        JsonNode containers = pod.path("containers");
        if (!containers.isArray() || containers.isEmpty()) {
            return -1;
        }
        long sum = 0;
        for (JsonNode container : containers) {
            long value = measured(number(container.path(group).path(field), max));
            if (value < 0) {
                return -1;
            }
            try {
                sum = Math.addExact(sum, value);
            } catch (ArithmeticException overflow) {
                return -1;
            }
        }
        return sum <= max ? sum : -1;
    }

    private static Optional<Instant> latestContainerTime(JsonNode pod) {
        Instant latest = null;
        for (JsonNode container : pod.path("containers")) {
            for (String group : new String[] {"cpu", "memory"}) {
                Optional<Instant> t = time(container.path(group).path("time"));
                if (t.isPresent() && (latest == null || t.get().isAfter(latest))) {
                    latest = t.get();
                }
            }
        }
        return Optional.ofNullable(latest);
    }

    /**
     * A real kubelet reports a young pod's {@code usageCoreNanoSeconds} and {@code workingSetBytes} as {@code 0}, not
     * absent, until its first housekeeping (about 20 s after start, recorded in fixtures/kubelet-summary-real-node*):
     * a running process never has used no CPU time or no memory, so 0 reads as unknown, not as a value.
     */
    private static long measured(long value) {
        return value == 0 ? -1 : value;
    }

    private static long counter(JsonNode value) {
        return number(value, Long.MAX_VALUE);
    }

    private static long bytes(JsonNode value) {
        return number(value, MAX_PLAUSIBLE_BYTES);
    }

    /** A non-negative integral JSON number no larger than {@code max}, else -1 (unknown). */
    private static long number(JsonNode value, long max) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            return -1; // missing, null, text, fraction, or a uint64 beyond long (e.g. 2^64-1 from a wrapped counter)
        }
        long n = value.longValue();
        return n >= 0 && n <= max ? n : -1;
    }

    /** An RFC 3339 time ({@code metav1.Time}), with or without fractional seconds; empty when absent or unreadable. */
    static Optional<Instant> time(JsonNode value) {
        if (!value.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value.asText()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
