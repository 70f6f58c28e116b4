package io.bolometer.agent.spool;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which spooled profiles to drop to make room, fairly between configs. A config's usage is what it holds in the spool:
 * committed profiles plus bodies being fetched for it. Room for a config's new bytes is taken only from configs that
 * use at least as much as it will (max-min fairness), the largest first and its oldest profile not being uploaded
 * first. So one tenant's backlog or flood of fetches (a store that never answers, pods that send huge bodies) is cut
 * back to the others' size before any other config loses a profile, and is refused outright rather than take room
 * from a config that uses less. With one config this is simply "oldest first".
 */
final class DropPolicy {
    private DropPolicy() {
    }

    /**
     * @param entries committed entries, oldest first
     * @param claimed ids being uploaded (never dropped)
     * @param reservedBySource bytes reserved by fetches in flight, per config
     * @param requester the config that needs the room ({@code ""} when none)
     * @param incoming the bytes it is about to add (beyond what {@code reservedBySource} already holds for it)
     * @param excess bytes to free
     * @return the victims, or empty when the room cannot be made from configs using at least as much as the requester
     */
    static List<SpooledProfile> victims(Collection<SpooledProfile> entries, Set<String> claimed,
                                        Map<String, Long> reservedBySource, String requester, long incoming,
                                        long excess) {
        if (excess <= 0) {
            return List.of();
        }
        Map<String, Long> usage = new HashMap<>(reservedBySource);
        usage.merge(requester, incoming, Long::sum);
        Map<String, List<SpooledProfile>> droppable = new HashMap<>();
        for (SpooledProfile entry : entries) {
            String source = sourceOf(entry);
            usage.merge(source, entry.sizeBytes(), Long::sum);
            if (!claimed.contains(entry.id())) {
                droppable.computeIfAbsent(source, s -> new ArrayList<>()).add(entry);
            }
        }
        List<SpooledProfile> victims = new ArrayList<>();
        long freed = 0;
        // Bounded: every round removes one entry from droppable.
        while (freed < excess) {
            long floor = usage.getOrDefault(requester, 0L);
            String largest = null;
            for (Map.Entry<String, List<SpooledProfile>> candidate : droppable.entrySet()) {
                long used = usage.get(candidate.getKey());
                if (candidate.getValue().isEmpty() || used < floor) {
                    continue;
                }
                if (largest == null || used > usage.get(largest) || (used == usage.get(largest)
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
            usage.merge(largest, -victim.sizeBytes(), Long::sum);
        }
        return victims;
    }

    static String sourceOf(SpooledProfile entry) {
        return Objects.requireNonNullElse(entry.record().source(), "");
    }
}
