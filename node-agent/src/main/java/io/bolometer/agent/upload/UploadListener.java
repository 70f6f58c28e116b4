package io.bolometer.agent.upload;

import io.bolometer.agent.spool.SpooledProfile;
import java.time.Duration;

/** Hears how uploads from the spool end, for metrics and status; called on the uploader's thread, so be quick. */
public interface UploadListener {

    /** A profile is stored and removed from the spool; {@code took} is from upload start to completion. */
    void uploaded(SpooledProfile profile, Duration took);

    /**
     * As {@link #uploaded(SpooledProfile, Duration)}, naming the key actually written ({@code storedKey}), which
     * differs from the record's when a conditional upload took a {@code -2}, {@code -3} … suffix. The uploader
     * calls this one; by default it forwards to the other.
     */
    default void uploaded(SpooledProfile profile, String storedKey, Duration took) {
        uploaded(profile, took);
    }

    /** An upload attempt failed; the profile stays in the spool and is retried. {@code attempt} counts from 1. */
    void failed(SpooledProfile profile, Throwable cause, int attempt);

    /**
     * The store refused the profile permanently (4xx: no such bucket, access denied …) several times: it left the
     * spool unsent, so it can't hold back other profiles or fill the spool.
     */
    default void abandoned(SpooledProfile profile, Throwable cause, int attempts) {
    }

    /** A listener that ignores everything. */
    UploadListener NONE = new UploadListener() {
        @Override
        public void uploaded(SpooledProfile profile, Duration took) {
        }

        @Override
        public void failed(SpooledProfile profile, Throwable cause, int attempt) {
        }
    };
}
