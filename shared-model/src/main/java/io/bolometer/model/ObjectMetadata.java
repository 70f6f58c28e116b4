package io.bolometer.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user-defined metadata and tags to store with one profile object, and the pod labels that did not fit.
 *
 * @param metadata metadata names (without {@code x-amz-meta-}) to values ready for an HTTP header, fixed fields
 *                 first, then {@code label-*} in label-key order
 * @param tags object tags, at most {@value #MAX_TAGS}
 * @param droppedLabels original keys of the pod labels left out (over budget or colliding), in key order
 */
public record ObjectMetadata(Map<String, String> metadata, Map<String, String> tags, List<String> droppedLabels) {
    public static final String POD_NAME = "pod-name";
    public static final String POD_NAMESPACE = "pod-namespace";
    public static final String PROFILE_TYPE = "profile-type";
    public static final String REASON = "reason";
    public static final String TIMESTAMP = "timestamp";
    public static final String SERVICE = "service";
    public static final String NODE = "node";
    /** Prefix of the metadata names that carry pod labels. */
    public static final String LABEL_PREFIX = "label-";
    /** The header prefix S3 puts before user-defined metadata names on the wire. */
    public static final String HEADER_PREFIX = "x-amz-meta-";
    /** S3's limit on tags per object. */
    public static final int MAX_TAGS = 10;

    public ObjectMetadata {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        droppedLabels = List.copyOf(droppedLabels);
        if (tags.size() > MAX_TAGS) {
            throw new IllegalArgumentException("S3 allows at most " + MAX_TAGS + " tags, got " + tags.size());
        }
    }
}
