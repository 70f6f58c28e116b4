package io.bolometer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.testing.GoToolchain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code make bench}'s headline variant must be what the agent image runs, or its figures describe nothing. */
class AgentFlagsTest {

    @Test
    void theImageVariantIsTheDockerfilesRuntimeEnvironmentAndEntrypoint() throws Exception {
        List<String> shipped = AgentFlags.dockerfileVariant(
                Files.readString(GoToolchain.repoRoot().resolve("node-agent/Dockerfile")));

        List<String> measured = new ArrayList<>(AgentFlags.IMAGE);
        assertThat(measured.remove(AgentFlags.CONTAINER)).as("the image variant plays the chart's limit").isTrue();
        assertThat(measured).isEqualTo(shipped);
        assertThat(AgentFlags.VARIANTS.get("image")).isSameAs(AgentFlags.IMAGE);
    }

    /** A docker build's cache is trained with the ENTRYPOINT's very flags, or the JVM would not take it. */
    @Test
    void theDockerBuildTrainsItsCacheWithTheEntrypointsFlags() throws Exception {
        String dockerfile = Files.readString(GoToolchain.repoRoot().resolve("node-agent/Dockerfile"))
                .replaceAll("\\\\\n\\s*", " ");
        List<String> entrypoint = quoted(line(dockerfile, "ENTRYPOINT ["));
        List<String> training = quoted(line(dockerfile, "RUN [\"java\""));

        String cache = entrypoint.stream().filter(f -> f.startsWith("-XX:AOTCache=")).findFirst().orElseThrow();
        List<String> expected = new ArrayList<>(entrypoint);
        expected.set(expected.indexOf(cache), cache.replace("-XX:AOTCache=", "-XX:AOTCacheOutput="));
        expected.add("--help");
        assertThat(training).isEqualTo(expected);
    }

    private static String line(String text, String start) {
        return text.lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow(() -> new AssertionError(start));
    }

    private static List<String> quoted(String line) {
        List<String> values = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]*)\"").matcher(line);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    @Test
    void readsTheRuntimeFromTheRunStageAndTheFlagsFromTheEntrypoint() {
        String dockerfile = """
                FROM maven:3.9-eclipse-temurin-25 AS build
                FROM eclipse-temurin:25-jre
                ENV MALLOC_ARENA_MAX=2
                ENTRYPOINT ["java", "-XX:+UseSerialGC", \\
                            "-XX:AOTCache=/opt/a.aot", "-jar", "/opt/a.jar"]
                """;

        assertThat(AgentFlags.dockerfileVariant(dockerfile)).containsExactly("java:25", "env:MALLOC_ARENA_MAX=2",
                "-XX:+UseSerialGC", "-XX:AOTCache=/opt/a.aot");
    }

    @Test
    void trainingWritesTheCacheTheVariantReadsAndRunsUseTheTrainedOne() {
        List<String> variant = List.of("java:25", "-XX:+UseSerialGC", "-XX:AOTCache=/opt/a.aot");

        assertThat(AotTraining.trainingFlags(variant, Path.of("/tmp/t.aot")))
                .containsExactly("java:25", "-XX:+UseSerialGC", "-XX:AOTCacheOutput=/tmp/t.aot");
        assertThat(AotTraining.usingCache(variant, Path.of("/tmp/t.aot")))
                .containsExactly("java:25", "-XX:+UseSerialGC", "-XX:AOTCache=/tmp/t.aot");
        assertThat(AgentFlags.jvmFlags(List.of("java:25", "env:A=b", "-Xss512k"))).containsExactly("-Xss512k");
    }

    @Test
    void findsTheJdkOfAVariant() {
        assertThat(AgentFlags.javaHome(List.of("-Xss512k"))).isEqualTo(Path.of(System.getProperty("java.home")));
        assertThat(AgentFlags.javaHome(List.of("java:" + Runtime.version().feature())))
                .isEqualTo(Path.of(System.getProperty("java.home")));
    }
}
