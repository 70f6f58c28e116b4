package io.bolometer.model;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What is known about one captured profile when it is filed: whose it is, which kind, why and when.
 *
 * @param podName the pod (or standalone target) name
 * @param podNamespace the pod's namespace
 * @param type the profile kind
 * @param reason why it was captured
 * @param triggerTime the trigger time, shared by all types of one capture
 * @param service the service name, usually from {@link ServiceNames#derive}
 * @param node the node name; null when unknown (standalone)
 * @param podLabels the pod's labels; null means none. Kept sorted by key.
 */
public record ProfileDescriptor(String podName, String podNamespace, ProfileType type, CaptureReason reason,
                                Instant triggerTime, String service, String node, Map<String, String> podLabels) {
    public ProfileDescriptor {
        Objects.requireNonNull(podName, "podName");
        Objects.requireNonNull(podNamespace, "podNamespace");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(triggerTime, "triggerTime");
        Objects.requireNonNull(service, "service");
        podLabels = podLabels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(podLabels));
    }
}
