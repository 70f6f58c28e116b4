package io.bolometer.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A Go pprof profile kind and where net/http/pprof serves it. */
public enum ProfileType {
    HEAP("heap"),
    CPU("cpu"),
    GOROUTINE("goroutine"),
    MUTEX("mutex"),
    BLOCK("block"),
    ALLOCS("allocs");

    private final String wireName;

    ProfileType(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in specs, object keys, metadata and metric labels. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static ProfileType fromWireName(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (ProfileType type : values()) {
            if (type.wireName.equals(wanted)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown profile type '" + name + "' (expected one of heap, cpu, goroutine, mutex, block, allocs)");
    }

    /**
     * The path and query, relative to the pod's base URL, that serves this profile.
     * There is no {@code /debug/pprof/cpu}: CPU is {@code profile?seconds=N}; heap asks for a GC first so the
     * in-use figures are current.
     *
     * @param pprofPath the pprof root, e.g. {@code /debug/pprof}
     * @param cpuSeconds how long a CPU profile runs
     */
    public String requestPath(String pprofPath, int cpuSeconds) {
        String root = pprofPath.endsWith("/") ? pprofPath.substring(0, pprofPath.length() - 1) : pprofPath;
        return switch (this) {
            case CPU -> root + "/profile?seconds=" + cpuSeconds;
            case HEAP -> root + "/heap?gc=1";
            default -> root + "/" + wireName;
        };
    }

    @Override
    public String toString() {
        return wireName;
    }
}
