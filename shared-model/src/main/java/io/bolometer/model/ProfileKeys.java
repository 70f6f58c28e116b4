package io.bolometer.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The object key and the metadata/tags contract of a stored profile (ARCHITECTURE.md "Object key" and "Object
 * metadata"), as pure functions.
 */
public final class ProfileKeys {
    /**
     * Budget for user-defined metadata, in bytes. S3 limits it to "2 KB", measured as the sum of the UTF-8 bytes of
     * each key and value, without saying whether KB means 1000 or 1024 bytes or whether the {@code x-amz-meta-}
     * prefix counts. We take the safe reading of both: 2000 bytes, counting each full header name with its prefix,
     * and each value as sent (RFC 2047-encoded when it is).
     */
    public static final int METADATA_BUDGET_BYTES = 2000;
    /** S3's limit on a tag value, in Unicode characters. */
    public static final int MAX_TAG_VALUE_LENGTH = 256;
    /** Kubernetes' limit on a pod name; longer standalone target names are cut. */
    public static final int MAX_POD_SEGMENT_LENGTH = 253;

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC_3339 =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private ProfileKeys() {
    }

    /**
     * The object key {@code {prefix}/{YYYY-MM-DD}/{service}/{YYYYMMDDHHmmss}-{pod}-{type}.pprof}, in UTC.
     * A blank prefix starts the key at the date; the prefix loses empty segments (leading, trailing and doubled
     * slashes) and {@code .}/{@code ..} segments become {@code _}/{@code __}. Service and pod pass through
     * {@link ServiceNames#sanitizeSegment}, so they stay one segment each.
     *
     * @param sequence 1 for the first capture of this pod and type in this second; 2, 3 … for later ones,
     *                 which get {@code -2}, {@code -3} … before {@code .pprof}
     */
    public static String objectKey(String prefix, Instant triggerTime, String service, String podName,
                                   ProfileType type, int sequence) {
        Objects.requireNonNull(triggerTime, "triggerTime");
        Objects.requireNonNull(type, "type");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence starts at 1, was " + sequence);
        }
        String fileName = SECOND.format(triggerTime) + "-"
                + ServiceNames.sanitizeSegment(podName, MAX_POD_SEGMENT_LENGTH) + "-" + type.wireName()
                + (sequence == 1 ? "" : "-" + sequence) + ".pprof";
        String path = DAY.format(triggerTime) + "/"
                + ServiceNames.sanitizeSegment(service, ServiceNames.MAX_SERVICE_LENGTH) + "/" + fileName;
        String normalizedPrefix = normalizePrefix(prefix);
        return normalizedPrefix.isEmpty() ? path : normalizedPrefix + "/" + path;
    }

    /**
     * The same key with another sequence: {@code …-heap.pprof} and {@code …-heap-2.pprof} become
     * {@code …-heap-3.pprof} for sequence 3. Used when a conditional upload finds the key taken by another capture.
     *
     * @throws IllegalArgumentException when {@code key} is not a profile key of {@code type}
     */
    public static String withSequence(String key, ProfileType type, int sequence) {
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence starts at 1, was " + sequence);
        }
        String base = baseOf(key, type);
        return base + (sequence == 1 ? "" : "-" + sequence) + ".pprof";
    }

    /** The sequence of a profile key of {@code type}: 1 for {@code …-heap.pprof}, N for {@code …-heap-N.pprof}. */
    public static int sequenceOf(String key, ProfileType type) {
        String withoutExtension = stripExtension(key);
        String base = baseOf(key, type);
        return base.length() == withoutExtension.length() ? 1
                : Integer.parseInt(withoutExtension.substring(base.length() + 1));
    }

    private static String baseOf(String key, ProfileType type) {
        String withoutExtension = stripExtension(key);
        String typeSuffix = "-" + type.wireName();
        if (withoutExtension.endsWith(typeSuffix)) {
            return withoutExtension;
        }
        int dash = withoutExtension.lastIndexOf('-');
        if (dash > 0 && withoutExtension.substring(0, dash).endsWith(typeSuffix)
                && withoutExtension.substring(dash + 1).matches("[1-9][0-9]{0,8}")) {
            return withoutExtension.substring(0, dash);
        }
        throw new IllegalArgumentException("not a " + type.wireName() + " profile key: " + key);
    }

    private static String stripExtension(String key) {
        if (!key.endsWith(".pprof")) {
            throw new IllegalArgumentException("not a profile key: " + key);
        }
        return key.substring(0, key.length() - ".pprof".length());
    }

    /** The trigger time as stored in the {@code timestamp} metadata: RFC 3339, UTC, whole seconds. */
    public static String timestamp(Instant triggerTime) {
        return RFC_3339.format(triggerTime);
    }

    /**
     * The metadata and tags for one profile. The fixed fields always come first and are always kept; then pod
     * labels, as {@code label-<key>} with the key lowercased and every character outside {@code [a-z0-9._-]}
     * replaced by {@code _}, are added in key order while they fit {@link #METADATA_BUDGET_BYTES}. A label that
     * would overflow is skipped (a later, smaller one may still fit); a label whose name collides with an earlier
     * one's is skipped. Both end up in {@link ObjectMetadata#droppedLabels()} for the caller to count.
     */
    public static ObjectMetadata metadata(ProfileDescriptor d) {
        return metadata(d, Map.of());
    }

    /**
     * As {@link #metadata(ProfileDescriptor)}, with {@code extra} entries (names without {@code x-amz-meta-}, values
     * ready for a header, e.g. the trigger evidence and top function) kept right after the fixed fields: when the
     * budget runs out, pod labels are dropped first. The caller keeps {@code extra} itself within a part of the
     * budget; an entry named like a fixed field is ignored.
     */
    public static ObjectMetadata metadata(ProfileDescriptor d, Map<String, String> extra) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(ObjectMetadata.POD_NAME, MetadataValues.headerValue(d.podName()));
        metadata.put(ObjectMetadata.POD_NAMESPACE, MetadataValues.headerValue(d.podNamespace()));
        metadata.put(ObjectMetadata.PROFILE_TYPE, d.type().wireName());
        metadata.put(ObjectMetadata.REASON, d.reason().wireName());
        metadata.put(ObjectMetadata.TIMESTAMP, timestamp(d.triggerTime()));
        metadata.put(ObjectMetadata.SERVICE, MetadataValues.headerValue(d.service()));
        if (d.node() != null) {
            metadata.put(ObjectMetadata.NODE, MetadataValues.headerValue(d.node()));
        }
        extra.forEach(metadata::putIfAbsent);
        int used = 0;
        for (Map.Entry<String, String> field : metadata.entrySet()) {
            used += MetadataValues.budgetBytes(field.getKey(), field.getValue());
        }
        List<String> dropped = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, String> label : d.podLabels().entrySet()) {
            String name = ObjectMetadata.LABEL_PREFIX + MetadataValues.metadataName(label.getKey());
            String value = MetadataValues.headerValue(label.getValue());
            int cost = MetadataValues.budgetBytes(name, value);
            if (!names.add(name) || used + cost > METADATA_BUDGET_BYTES) {
                dropped.add(label.getKey());
                continue;
            }
            metadata.put(name, value);
            used += cost;
        }
        return new ObjectMetadata(metadata, tags(d), dropped);
    }

    /**
     * The pod labels that could ever be stored as metadata: in key order, those that fit
     * {@link #METADATA_BUDGET_BYTES} on their own (the fixed fields left aside, so this is an upper bound of what
     * {@link #metadata} keeps). The coordinator carries only these into an assignment: a pod's 9,000 labels can't
     * inflate its node's assignment past what the profiles' metadata would use.
     */
    public static SortedMap<String, String> labelsWithinBudget(Map<String, String> labels) {
        SortedMap<String, String> kept = new TreeMap<>();
        int used = 0;
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
            String name = ObjectMetadata.LABEL_PREFIX + MetadataValues.metadataName(label.getKey());
            int cost = MetadataValues.budgetBytes(name, MetadataValues.headerValue(label.getValue()));
            if (names.add(name) && used + cost <= METADATA_BUDGET_BYTES) {
                kept.put(label.getKey(), label.getValue());
                used += cost;
            }
        }
        return kept;
    }

    private static Map<String, String> tags(ProfileDescriptor d) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(ObjectMetadata.PROFILE_TYPE, d.type().wireName());
        tags.put(ObjectMetadata.REASON, d.reason().wireName());
        tags.put(ObjectMetadata.POD_NAMESPACE, MetadataValues.tagValue(d.podNamespace(), MAX_TAG_VALUE_LENGTH));
        tags.put(ObjectMetadata.SERVICE, MetadataValues.tagValue(d.service(), MAX_TAG_VALUE_LENGTH));
        return tags;
    }

    private static String normalizePrefix(String prefix) {
        if (prefix == null) {
            return "";
        }
        List<String> segments = new ArrayList<>();
        for (String segment : prefix.strip().split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            segments.add(segment.equals(".") ? "_" : segment.equals("..") ? "__" : segment);
        }
        return String.join("/", segments);
    }
}
