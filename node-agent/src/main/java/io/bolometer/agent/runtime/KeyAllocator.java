package io.bolometer.agent.runtime;

import io.bolometer.model.ProfileKeys;
import io.bolometer.model.ProfileType;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Hands out object keys so that two different captures never share one: a second capture of the same pod and
 * type within the same second gets {@code -2}, {@code -3}, … Keys are remembered for a while (and seeded from
 * the spool at start) rather than forever.
 */
public final class KeyAllocator {
    private static final Duration MEMORY = Duration.ofMinutes(10);
    private final Map<String, Instant> issued = new HashMap<>();

    /** Remembers keys already in use, e.g. those a previous run left in the spool. */
    public synchronized void reserveAll(Collection<String> keys, Instant at) {
        for (String key : keys) {
            issued.put(key, at);
        }
    }

    public synchronized String allocate(String prefix, Instant triggerTime, String service, String podName,
                                        ProfileType type) {
        forgetBefore(triggerTime.minus(MEMORY));
        for (int sequence = 1; ; sequence++) {
            String key = ProfileKeys.objectKey(prefix, triggerTime, service, podName, type, sequence);
            if (!issued.containsKey(key)) {
                issued.put(key, triggerTime);
                return key;
            }
        }
    }

    private void forgetBefore(Instant cutoff) {
        issued.values().removeIf(at -> at.isBefore(cutoff));
    }
}
