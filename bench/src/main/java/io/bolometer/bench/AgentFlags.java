package io.bolometer.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JVM flag sets the agent is measured with, side by side in one run. {@code -XX:MaxRAM=192m} plays the chart's
 * memory limit (256Mi; 192Mi before the run of 2026-11-25, where the image's MaxRAMPercentage=50 gave the same
 * 96 MiB heap that -Xmx96m now fixes), which is what the JVM's ergonomics see inside the container.
 */
public final class AgentFlags {
    /** The chart's container memory limit as the JVM would see it. */
    public static final String CONTAINER = "-XX:MaxRAM=256m";

    /** The flags and environment of {@code node-agent/Dockerfile}'s ENTRYPOINT, the shipped choice. */
    public static final List<String> IMAGE = List.of(CONTAINER, "env:MALLOC_ARENA_MAX=2", "-XX:+UseSerialGC",
            "-Xmx96m", "-Xmn4m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:TieredStopAtLevel=1",
            "-XX:Tier3InvocationThreshold=2000", "-XX:Tier3MinInvocationThreshold=1000",
            "-XX:Tier3CompileThreshold=20000", "-XX:Tier3BackEdgeThreshold=600000", "-Xss512k",
            "-XX:MaxMetaspaceSize=96m", "-XX:ReservedCodeCacheSize=16m", "-Dio.netty.jfr.enabled=false",
            "-XX:+ExitOnOutOfMemoryError");

    /**
     * The image's flags of the run before (2026-11-25, shipped until 2026-12-06), kept to show before/after in one
     * run: no fixed young generation, default compile thresholds, Netty's JFR events on.
     */
    public static final List<String> IMAGE_BEFORE = List.of(CONTAINER, "env:MALLOC_ARENA_MAX=2", "-XX:+UseSerialGC",
            "-Xmx96m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:TieredStopAtLevel=1",
            "-Xss512k", "-XX:MaxMetaspaceSize=96m", "-XX:ReservedCodeCacheSize=16m", "-XX:+ExitOnOutOfMemoryError");

    /** Marks an entry that is an environment variable of the agent process ({@code env:NAME=value}), not a flag. */
    public static final String ENV = "env:";

    /** Named sets; the first one listed on the command line is the one whose figures are the headline. */
    public static final Map<String, List<String>> VARIANTS = variants();

    private AgentFlags() {
    }

    private static Map<String, List<String>> variants() {
        Map<String, List<String>> variants = new LinkedHashMap<>();
        variants.put("image", IMAGE);
        variants.put("image-before", IMAGE_BEFORE);
        // `java -jar` in the same container, nothing tuned: G1, C2, default heap ergonomics (1/4 of 192 MiB)
        variants.put("jvm-defaults", List.of(CONTAINER));
        // a candidate: the image with a fixed 40 MiB heap, one compiler thread, smaller stacks, unpooled Netty buffers
        variants.put("lean", concat(IMAGE, "-Xmx40m", "-XX:CICompilerCount=1", "-Xss256k",
                "-Dio.netty.allocator.type=unpooled"));
        return variants;
    }

    private static List<String> concat(List<String> base, String... more) {
        List<String> all = new java.util.ArrayList<>(base);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }
}
