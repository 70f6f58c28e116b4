package io.bolometer.agent.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Logs a failure once per subject and cause instead of on every retry, and logs the recovery when the subject
 * works again, so a broken endpoint polled every 10 s doesn't flood the log.
 */
public final class CauseLog {
    private final Logger log;
    private final Map<String, String> lastCause = new ConcurrentHashMap<>();

    public CauseLog(Logger log) {
        this.log = log;
    }

    /** Logs at WARN unless the same subject already reported the same cause. */
    public void failure(String subject, String cause, String message) {
        String previous = lastCause.put(subject, cause);
        if (!Objects.equals(previous, cause)) {
            log.warn("{} (logged once until it changes or recovers)", message);
        }
    }

    /** Like {@link #failure} at INFO: for outcomes that are not errors (a skipped capture) but repeat as often. */
    public void notice(String subject, String cause, String message) {
        String previous = lastCause.put(subject, cause);
        if (!Objects.equals(previous, cause)) {
            log.info("{} (logged once until it changes or recovers)", message);
        }
    }

    /** Logs at INFO when the subject had failed before. */
    public void success(String subject, String message) {
        if (lastCause.remove(subject) != null) {
            log.info(message);
        }
    }

    /** Forgets a subject (e.g. the target was removed). */
    public void forget(String subject) {
        lastCause.remove(subject);
    }
}
