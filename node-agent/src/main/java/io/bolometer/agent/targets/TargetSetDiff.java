package io.bolometer.agent.targets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The difference between the running and the desired target sets, so only changed loops are started or
 * stopped (as Alloy's scrape manager does).
 */
public record TargetSetDiff(List<ProfilingTarget> added, List<ProfilingTarget> removed,
                            List<ProfilingTarget> changed) {

    public static TargetSetDiff between(Map<String, ProfilingTarget> running, Collection<ProfilingTarget> desired) {
        Map<String, ProfilingTarget> wanted = new LinkedHashMap<>();
        for (ProfilingTarget target : desired) {
            wanted.put(target.key(), target);
        }
        List<ProfilingTarget> added = new ArrayList<>();
        List<ProfilingTarget> changed = new ArrayList<>();
        for (ProfilingTarget target : wanted.values()) {
            ProfilingTarget current = running.get(target.key());
            if (current == null) {
                added.add(target);
            } else if (!Objects.equals(current, target)) {
                changed.add(target);
            }
        }
        List<ProfilingTarget> removed = new ArrayList<>();
        for (ProfilingTarget target : running.values()) {
            if (!wanted.containsKey(target.key())) {
                removed.add(target);
            }
        }
        return new TargetSetDiff(List.copyOf(added), List.copyOf(removed), List.copyOf(changed));
    }

    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }
}
