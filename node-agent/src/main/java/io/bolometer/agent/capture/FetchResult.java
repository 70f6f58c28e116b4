package io.bolometer.agent.capture;

/** What one HTTP fetch of a profile ended with: a body on disk, a non-200 status, or a transport failure. */
public sealed interface FetchResult permits FetchResult.Fetched, FetchResult.HttpStatus, FetchResult.Failed {

    /** HTTP 200 and the whole body written to the destination file. */
    record Fetched(long bytes, String contentType) implements FetchResult {
    }

    /** A status other than 200 or 3xx; the body's start, sanitized and at most 200 characters, explains it. */
    record HttpStatus(int status, String bodySnippet) implements FetchResult {
    }

    /**
     * No usable response; {@code kind} is one of {@code connect}, {@code timeout}, {@code too-large},
     * {@code redirect}, {@code io} (the connection), {@code disk} (the destination file could not be opened,
     * written or closed, e.g. no space left). The destination file never remains.
     */
    record Failed(String kind, String message) implements FetchResult {
        /** The kind of a local file failure, as opposed to the pod's or the network's. */
        public static final String DISK = "disk";
        /** The spool's budget had no room for more of the body: not the pod's fault, the capture is skipped. */
        public static final String SPOOL_FULL = "spool-full";
    }
}
