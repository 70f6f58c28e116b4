package io.bolometer.model;

/** The pod annotations users set to opt in to profiling, and their defaults. */
public final class PodAnnotations {
    /** Must be {@code "true"} for a pod to be profiled. */
    public static final String ENABLED = "profiling.io/enabled";
    /** The port net/http/pprof listens on, on the pod IP. */
    public static final String PORT = "profiling.io/port";
    /** The pprof root path. */
    public static final String PATH = "profiling.io/path";
    /** A new value captures once now, with reason {@code requested}. */
    public static final String CAPTURE = "profiling.io/capture";
    /**
     * Optional, with {@link #CAPTURE}: the profile types that capture takes, comma-separated (e.g. {@code cpu,heap});
     * types the config does not profile are left out. Absent: every type the config lists.
     */
    public static final String CAPTURE_TYPES = "profiling.io/capture-types";

    public static final int DEFAULT_PORT = 6060;
    public static final String DEFAULT_PATH = "/debug/pprof";

    private PodAnnotations() {
    }
}
