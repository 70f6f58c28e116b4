package io.bolometer.agent.cluster;

import io.bolometer.agent.insight.InsightMetadata;
import io.bolometer.agent.spool.SpoolRecord;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.ObjectMetadata;
import io.bolometer.model.v1alpha1.RecentCapture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The last profiles per config that reached S3 from this node, as the assignment status lists them (Insight):
 * at most {@link RecentCapture#MAX_ENTRIES} per config, newest first, every string cut (an entry stays under
 * 1 KiB), and at most {@link #MAX_NODE_ENTRIES} on the node, taken first from the configs listing most, so a node
 * with many configs keeps its status far below etcd's object limit and no config is pushed out by another's
 * captures. Pure: fed by the uploader's listener, read by the status reporter.
 */
final class RecentCaptures {
    /** Entries over all configs on one node (under 200 KiB of status in the worst case). */
    static final int MAX_NODE_ENTRIES = 200;
    private static final String CUT = "…";

    private final Map<String, Deque<RecentCapture>> byConfig = new HashMap<>();

    /** Remembers a profile stored under {@code storedKey}; ignored unless it names its config and went to S3. */
    void stored(SpoolRecord record, String storedKey) {
        RecentCapture entry = entryOf(record, storedKey);
        if (entry == null) {
            return;
        }
        Deque<RecentCapture> entries = byConfig.computeIfAbsent(record.source(), c -> new ArrayDeque<>());
        entries.addFirst(entry);
        while (entries.size() > RecentCapture.MAX_ENTRIES) {
            entries.removeLast();
        }
        trimNode();
    }

    private void trimNode() {
        int total = byConfig.values().stream().mapToInt(Deque::size).sum();
        for (; total > MAX_NODE_ENTRIES; total--) {
            byConfig.values().stream().max(java.util.Comparator.comparingInt(Deque::size)).orElseThrow().removeLast();
        }
    }

    /** Takes over what a previous run wrote for a config this run has listed nothing for yet. */
    void continueFrom(String config, List<RecentCapture> written) {
        if (written == null || written.isEmpty() || byConfig.containsKey(config)) {
            return;
        }
        Deque<RecentCapture> entries = new ArrayDeque<>();
        written.stream().filter(e -> e != null && e.getUri() != null).limit(RecentCapture.MAX_ENTRIES)
                .forEach(entries::addLast);
        byConfig.put(config, entries);
        trimNode();
    }

    /** Forgets configs no longer assigned to this node. */
    void retain(Set<String> configs) {
        byConfig.keySet().retainAll(configs);
    }

    /** The config's entries, newest first; null when there are none (so the status omits the field). */
    List<RecentCapture> of(String config) {
        Deque<RecentCapture> entries = byConfig.get(config);
        return entries == null || entries.isEmpty() ? null : new ArrayList<>(entries);
    }

    /**
     * The status entry for one stored profile: time, pod, node, type and reason from its metadata, the
     * {@code s3://bucket/key} of the key written, the trigger's evidence ({@code cpu 93.4% of limit ≥ 80%}), the
     * top function with its flat share and what grew; null for a directory store or a record without its config.
     */
    static RecentCapture entryOf(SpoolRecord record, String storedKey) {
        if (record.source() == null || !(record.store() instanceof StoreLocation.S3 s3)) {
            return null;
        }
        Map<String, String> meta = record.metadata();
        return new RecentCapture(cut(meta.get(ObjectMetadata.TIMESTAMP)), cut(meta.get(ObjectMetadata.POD_NAMESPACE)),
                cut(meta.get(ObjectMetadata.POD_NAME)), cut(meta.get(ObjectMetadata.NODE)),
                cut(meta.get(ObjectMetadata.PROFILE_TYPE)), cut(meta.get(ObjectMetadata.REASON)),
                cut("s3://" + s3.bucket() + "/" + storedKey, RecentCapture.MAX_URI_LENGTH), cut(evidence(meta)),
                cut(top(meta)), cut(record.grew()));
    }

    /** {@code cpu 93.4% of limit ≥ 80%} from the trigger-* metadata; null without it. */
    static String evidence(Map<String, String> meta) {
        String resource = meta.get(InsightMetadata.TRIGGER_RESOURCE);
        if (resource == null) {
            return null;
        }
        return resource + " " + meta.get(InsightMetadata.TRIGGER_PERCENT) + "% of " + meta.get(InsightMetadata.TRIGGER_BASIS)
                + " \u2265 " + meta.get(InsightMetadata.TRIGGER_THRESHOLD_PERCENT) + "%";
    }

    /** {@code main.burnCPU 66.3%} from the top-function metadata; null without it. */
    static String top(Map<String, String> meta) {
        String function = meta.get(InsightMetadata.TOP_FUNCTION);
        return function == null ? null : function + " " + meta.get(InsightMetadata.TOP_PERCENT) + "%";
    }

    private static String cut(String value) {
        return cut(value, RecentCapture.MAX_LENGTH);
    }

    private static String cut(String value, int max) {
        if (value == null || value.length() <= max) {
            return value;
        }
        int end = max - CUT.length();
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(0, end) + CUT;
    }
}
