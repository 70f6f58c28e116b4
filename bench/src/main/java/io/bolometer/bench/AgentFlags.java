package io.bolometer.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runtimes and JVM flag sets the agent is measured with, side by side in one run. {@code -XX:MaxRAM=256m} plays the
 * chart's memory limit, which is what the JVM's ergonomics see inside the container. An entry {@code java:N} picks
 * the JDK the agent runs on ({@link #javaHome}); {@code env:NAME=value} is an environment variable; a
 * {@code -XX:AOTCache=} flag makes the bench train the cache first, as the image build does ({@link AotTraining}).
 */
public final class AgentFlags {
    /** The chart's container memory limit as the JVM would see it. */
    public static final String CONTAINER = "-XX:MaxRAM=256m";

    /** Marks the entry naming the JDK feature release the agent runs on ({@code java:25}); none means the bench's own. */
    public static final String JAVA = "java:";

    /** The flag naming the AOT cache; the bench points it at the cache of its own training run. */
    public static final String AOT_CACHE = "-XX:AOTCache=";

    /** Where the image keeps its AOT cache ({@code node-agent/Dockerfile}); the bench's variants name it too. */
    public static final String IMAGE_AOT_CACHE = "/opt/bolometer/bolometer-node-agent.aot";

    /** Marks an entry that is an environment variable of the agent process ({@code env:NAME=value}), not a flag. */
    public static final String ENV = "env:";

    /**
     * The runtime, flags and environment of {@code node-agent/Dockerfile}'s ENTRYPOINT, the shipped choice: the flags
     * of 2026-12-06 on Java 25 with the AOT cache of a training run (issue 17, docs/performance.md).
     */
    public static final List<String> IMAGE = List.of("java:25", CONTAINER, "env:MALLOC_ARENA_MAX=2",
            "-XX:+UseSerialGC", "-Xmx96m", "-Xmn4m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
            "-XX:TieredStopAtLevel=1", "-XX:Tier3InvocationThreshold=2000", "-XX:Tier3MinInvocationThreshold=1000",
            "-XX:Tier3CompileThreshold=20000", "-XX:Tier3BackEdgeThreshold=600000", "-Xss512k",
            "-XX:MaxMetaspaceSize=96m", "-XX:ReservedCodeCacheSize=16m", "-Dio.netty.jfr.enabled=false",
            "-XX:TrimNativeHeapInterval=5000", "-XX:+ExitOnOutOfMemoryError", AOT_CACHE + IMAGE_AOT_CACHE);

    /** The image's flags shipped on 2026-12-06 (on JDK 17 in its variant jdk17), the "before" of issue 17. */
    public static final List<String> IMAGE_2026_12_06 = List.of(CONTAINER, "env:MALLOC_ARENA_MAX=2",
            "-XX:+UseSerialGC", "-Xmx96m", "-Xmn4m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
            "-XX:TieredStopAtLevel=1", "-XX:Tier3InvocationThreshold=2000", "-XX:Tier3MinInvocationThreshold=1000",
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

    private static final java.util.regex.Pattern QUOTED = java.util.regex.Pattern.compile("\"([^\"]*)\"");
    /** The runtime stage's base image names the JDK feature release. */
    private static final java.util.regex.Pattern FROM_TEMURIN =
            java.util.regex.Pattern.compile("^FROM eclipse-temurin:(\\d+)-");

    /** Named sets; the first one listed on the command line is the one whose figures are the headline. */
    public static final Map<String, List<String>> VARIANTS = variants();

    private AgentFlags() {
    }

    private static Map<String, List<String>> variants() {
        Map<String, List<String>> variants = new LinkedHashMap<>();
        variants.put("image", IMAGE);
        // the runtime comparison of issue 17: the image's flags of 2026-12-06 on each JDK, then JDK 25's levers
        List<String> flags = IMAGE_2026_12_06;
        variants.put("jdk17", concat(List.of(JAVA + "17"), flags));
        variants.put("jdk25", concat(List.of(JAVA + "25"), flags));
        variants.put("jdk25-coh", concat(List.of(JAVA + "25"), flags, "-XX:+UseCompactObjectHeaders"));
        variants.put("jdk25-aot", concat(List.of(JAVA + "25"), flags, AOT_CACHE + IMAGE_AOT_CACHE));
        variants.put("jdk25-coh-aot", concat(List.of(JAVA + "25"), flags, "-XX:+UseCompactObjectHeaders",
                AOT_CACHE + IMAGE_AOT_CACHE));
        // the cache mapped where it was made: no relocation, so its pages stay clean and only touched ones resident
        variants.put("jdk25-aot-mapped", concat(List.of(JAVA + "25"), flags, AOT_CACHE + IMAGE_AOT_CACHE,
                "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0"));
        // Vert.x resolving names through the JDK instead of its Netty DNS client (the agent dials IPs and one host)
        variants.put("jdk25-aot-mapped-jdkdns", concat(List.of(JAVA + "25"), flags, AOT_CACHE + IMAGE_AOT_CACHE,
                "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0", "-Dvertx.disableDnsResolver=true"));
        // the image as it was before it returned freed malloc memory to the OS every 5 s (TrimNativeHeapInterval)
        variants.put("image-no-trim", IMAGE.stream().filter(flag -> !flag.startsWith("-XX:TrimNativeHeapInterval="))
                .toList());
        variants.put("image-before", IMAGE_BEFORE);
        // `java -jar` in the same container, nothing tuned: G1, C2, default heap ergonomics (1/4 of 256 MiB)
        variants.put("jvm-defaults", List.of(CONTAINER));
        // a candidate: the image with a fixed 40 MiB heap, one compiler thread, smaller stacks, unpooled Netty buffers
        variants.put("lean", concat(IMAGE, List.of(), "-Xmx40m", "-XX:CICompilerCount=1", "-Xss256k",
                "-Dio.netty.allocator.type=unpooled"));
        return variants;
    }

    /**
     * The JDK a variant runs on: its {@code java:N} entry (a feature release), or {@code java:/path} (a runtime's
     * home, e.g. the image's jlinked one), else the JDK running the bench.
     */
    public static Path javaHome(List<String> variant) {
        String feature = variant.stream().filter(e -> e.startsWith(JAVA)).map(e -> e.substring(JAVA.length()))
                .findFirst().orElse(null);
        if (feature != null && feature.startsWith("/")) {
            return Path.of(feature);
        }
        if (feature == null || feature.equals(Integer.toString(Runtime.version().feature()))) {
            return Path.of(System.getProperty("java.home"));
        }
        String configured = System.getProperty("bench.jdk" + feature, System.getenv("JDK" + feature + "_HOME"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        // the JDKs installed side by side (Debian's and Temurin's packages both live here)
        try (var homes = Files.list(Path.of("/usr/lib/jvm"))) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> releaseVersion(home).matches(feature + "([.+].*)?"))
                    .sorted().findFirst()
                    .orElseThrow(() -> new IllegalStateException("no JDK " + feature + " under /usr/lib/jvm: set "
                            + "JDK" + feature + "_HOME or -Dbench.jdk" + feature));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Dockerfile's image as a variant: its ENV lines ({@code env:} entries), then the flags of its
     * {@code ENTRYPOINT ["java", flags…, "-jar", jar]}, and its JDK from {@code FROM eclipse-temurin:N-…}.
     */
    public static List<String> dockerfileVariant(String dockerfile) {
        String joined = dockerfile.replace("\\\n", " ");
        List<String> variant = new java.util.ArrayList<>();
        List<String> entrypoint = List.of();
        for (String line : joined.split("\n")) {
            java.util.regex.Matcher from = FROM_TEMURIN.matcher(line);
            if (from.find()) {
                variant.removeIf(e -> e.startsWith(JAVA));
                variant.add(0, JAVA + from.group(1));
            } else if (line.startsWith("ENV ")) {
                variant.add(ENV + line.substring(4).trim());
            } else if (line.startsWith("ENTRYPOINT ")) {
                entrypoint = new java.util.ArrayList<>();
                java.util.regex.Matcher word = QUOTED.matcher(line);
                while (word.find()) {
                    entrypoint.add(word.group(1));
                }
            }
        }
        if (entrypoint.isEmpty() || !entrypoint.get(0).equals("java") || !entrypoint.contains("-jar")) {
            throw new IllegalArgumentException("the Dockerfile has no ENTRYPOINT [\"java\", …, \"-jar\", …]");
        }
        variant.addAll(entrypoint.subList(1, entrypoint.indexOf("-jar")));
        return List.copyOf(variant);
    }

    /** The flags to pass to java: the entries that are neither {@code java:} nor {@code env:}. */
    public static List<String> jvmFlags(List<String> variant) {
        return variant.stream().filter(e -> !e.startsWith(JAVA) && !e.startsWith(ENV)).toList();
    }

    /** The AOT cache a variant uses (its {@code -XX:AOTCache=} value), or null. */
    public static String aotCache(List<String> variant) {
        return variant.stream().filter(e -> e.startsWith(AOT_CACHE)).map(e -> e.substring(AOT_CACHE.length()))
                .findFirst().orElse(null);
    }

    private static String releaseVersion(Path home) {
        try {
            return Files.readAllLines(home.resolve("release")).stream()
                    .filter(line -> line.startsWith("JAVA_VERSION="))
                    .map(line -> line.substring("JAVA_VERSION=".length()).replace("\"", ""))
                    .findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> concat(List<String> base, List<String> middle, String... more) {
        List<String> all = new java.util.ArrayList<>(base);
        all.addAll(middle);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }

}
