package io.bolometer.agent.kubelet;

import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.trigger.PodUsage;
import io.bolometer.agent.trigger.UsageSnapshot;
import java.util.Map;

/**
 * What one kubelet {@code /stats/summary} answer says: the pods' usage plus the node's own.
 *
 * @param nodeName the node the kubelet runs on, or {@code null} when the answer does not say
 * @param node the node's cumulative CPU and working set, in the same units as a pod's (-1 = unknown)
 * @param usage the usage of every pod the kubelet reported
 * @param podUids each pod's UID, so a caller can tell a re-created pod (its counters restart) from the old one
 * @param skippedPods entries without a usable {@code podRef} (name and namespace), left out of {@code usage}
 */
public record KubeletSummary(String nodeName, PodUsage node, UsageSnapshot usage, Map<PodRef, String> podUids,
                             int skippedPods) {
    public KubeletSummary {
        podUids = Map.copyOf(podUids);
    }
}
