package io.bolometer.agent.spool;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which spooled profiles to drop to make room, fairly between configs: always the oldest profile not being
 * uploaded of the config with the largest backlog, so one tenant's backlog (a store that never answers, a flood of
 * captures) is cut back to the others' size before any other config loses a profile. With one config this is
 * simply "oldest first".
 */
final class DropPolicy {
    private DropPolicy() {
    }

    /**
     * @param entries committed entries, oldest first
     * @param claimed ids being uploaded (never dropped)
     * @param excess bytes to free
     * @return the victims, or empty when even dropping every unclaimed entry would not free {@code excess}
     */
    static List<SpooledProfile> victims(Collection<SpooledProfile> entries, Set<String> claimed, long excess) {
        if (excess <= 0) {
            return List.of();
        }
        Map<String, Long> backlog = new HashMap<>();
        Map<String, List<SpooledProfile>> droppable = new HashMap<>();
        for (SpooledProfile entry : entries) {
            String source = sourceOf(entry);
            backlog.merge(source, entry.sizeBytes(), Long::sum);
            if (!claimed.contains(entry.id())) {
                droppable.computeIfAbsent(source, s -> new ArrayList<>()).add(entry);
            }
        }
        List<SpooledProfile> victims = new ArrayList<>();
        long freed = 0;
        // Bounded: every round removes one entry from droppable.
        while (freed < excess) {
            String largest = null;
            for (Map.Entry<String, List<SpooledProfile>> candidate : droppable.entrySet()) {
                if (candidate.getValue().isEmpty()) {
                    continue;
                }
                if (largest == null || backlog.get(candidate.getKey()) > backlog.get(largest)
                        || (backlog.get(candidate.getKey()).equals(backlog.get(largest))
                        && candidate.getValue().get(0).id().compareTo(droppable.get(largest).get(0).id()) < 0)) {
                    largest = candidate.getKey();
                }
            }
            if (largest == null) {
                return List.of();
            }
            SpooledProfile victim = droppable.get(largest).remove(0);
            victims.add(victim);
            freed += victim.sizeBytes();
            backlog.merge(largest, -victim.sizeBytes(), Long::sum);
        }
        return victims;
    }

    static String sourceOf(SpooledProfile entry) {
        return Objects.requireNonNullElse(entry.record().source(), "");
    }
}
