package io.bolometer.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JVM flag sets the agent is measured with, side by side in one run. {@code -XX:MaxRAM=192m} plays the chart's
 * memory limit (192Mi), which is what the JVM's ergonomics see inside the container.
 */
public final class AgentFlags {
    /** The chart's container memory limit as the JVM would see it. */
    public static final String CONTAINER = "-XX:MaxRAM=192m";

    /** The flags of {@code node-agent/Dockerfile}'s ENTRYPOINT, the shipped choice. */
    public static final List<String> IMAGE = List.of(CONTAINER, "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=50",
            "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:MaxMetaspaceSize=96m", "-XX:ReservedCodeCacheSize=32m",
            "-XX:+ExitOnOutOfMemoryError");

    /** Marks an entry that is an environment variable of the agent process ({@code env:NAME=value}), not a flag. */
    public static final String ENV = "env:";

    /** Named sets; the first one listed on the command line is the one whose figures are the headline. */
    public static final Map<String, List<String>> VARIANTS = variants();

    private AgentFlags() {
    }

    private static Map<String, List<String>> variants() {
        Map<String, List<String>> variants = new LinkedHashMap<>();
        variants.put("image", IMAGE);
        // `java -jar` in the same container, nothing tuned: G1, C2, default heap ergonomics (1/4 of 192 MiB)
        variants.put("jvm-defaults", List.of(CONTAINER));
        // the image's flags with a smaller fixed heap and fewer compiler/GC threads: a candidate
        variants.put("image-xmx48m", concat(IMAGE, "-Xmx48m", "-XX:CICompilerCount=1", "-XX:+UseCompressedOops"));
        // glibc keeps one malloc arena per thread up to 8 × cores; the CRT and Vert.x threads each dirty one
        variants.put("image-arena2", concat(IMAGE, ENV + "MALLOC_ARENA_MAX=2"));
        variants.put("lean", concat(IMAGE, ENV + "MALLOC_ARENA_MAX=2", "-Xmx40m", "-XX:MaxHeapFreeRatio=30",
                "-XX:MinHeapFreeRatio=10", "-XX:ReservedCodeCacheSize=16m", "-XX:CICompilerCount=1", "-Xss256k",
                "-Dio.netty.allocator.type=unpooled"));
        return variants;
    }

    private static List<String> concat(List<String> base, String... more) {
        List<String> all = new java.util.ArrayList<>(base);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }
}
