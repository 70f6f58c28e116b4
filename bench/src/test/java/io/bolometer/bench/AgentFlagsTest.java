package io.bolometer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.agent.testing.GoToolchain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code make bench}'s headline variant must be what the agent image runs, or its figures describe nothing. */
class AgentFlagsTest {
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    @Test
    void theImageVariantIsTheDockerfilesEnvironmentAndEntrypoint() throws Exception {
        String dockerfile = Files.readString(GoToolchain.repoRoot().resolve("node-agent/Dockerfile"))
                .replace("\\\n", " ");
        List<String> shipped = new ArrayList<>();
        List<String> entrypoint = List.of();
        for (String line : dockerfile.split("\n")) {
            if (line.startsWith("ENV ")) {
                shipped.add(AgentFlags.ENV + line.substring(4).trim());
            } else if (line.startsWith("ENTRYPOINT ")) {
                entrypoint = quoted(line);
            }
        }
        assertThat(entrypoint).as("ENTRYPOINT java <flags> -jar <jar>").startsWith("java").contains("-jar");
        shipped.addAll(entrypoint.subList(1, entrypoint.indexOf("-jar")));

        List<String> measured = new ArrayList<>(AgentFlags.IMAGE);
        assertThat(measured.remove(AgentFlags.CONTAINER)).as("the image variant plays the chart's limit").isTrue();
        assertThat(measured).isEqualTo(shipped);
        assertThat(AgentFlags.VARIANTS.get("image")).isSameAs(AgentFlags.IMAGE);
    }

    private static List<String> quoted(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = QUOTED.matcher(line);
        while (m.find()) {
            words.add(m.group(1));
        }
        return words;
    }
}
