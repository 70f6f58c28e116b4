package io.bolometer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bolometer.agent.testing.GoToolchain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The images {@code make images} builds (here through {@link RealNode}, which builds and imports them) run what the
 * module's Dockerfile says: the same ENTRYPOINT (JVM flags) and ENV, as user 65532, with no shell inside — so the
 * Dockerfile stays the one source of the flags, for Docker users and for the images tested on the real node.
 */
class ImagesNodeIT {
    @RegisterExtension
    static final RealNode NODE = new RealNode();

    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"node-agent", "coordinator"})
    void theJavaImageRunsTheDockerfilesEntrypointAndEnvironmentAsNonRoot(String module) throws IOException {
        Map<String, byte[]> archive = entries(GoToolchain.repoRoot().resolve("target/images/" + module + ".tar"));
        JsonNode manifest = JSON.readTree(archive.get("manifest.json")).get(0);
        JsonNode config = JSON.readTree(archive.get(manifest.path("Config").asText())).path("config");
        String dockerfile = Files.readString(GoToolchain.repoRoot().resolve(module + "/Dockerfile")).replace("\\\n", " ");

        List<String> entrypoint = new ArrayList<>();
        config.path("Entrypoint").forEach(word -> entrypoint.add(word.asText()));
        List<String> env = new ArrayList<>();
        config.path("Env").forEach(e -> env.add(e.asText()));
        assertThat(entrypoint).isEqualTo(dockerfileEntrypoint(dockerfile));
        assertThat(env).containsAll(dockerfileEnv(dockerfile)).contains("PATH=/opt/java/bin:/usr/bin:/bin");
        assertThat(config.path("User").asText()).isEqualTo("65532:65532");
        assertThat(manifest.path("RepoTags").get(0).asText()).isIn("bolometer/" + module + ":dev",
                "docker.io/bolometer/" + module + ":dev");

        List<String> files = layerFiles(archive, manifest);
        assertThat(files).contains("opt/java/bin/java", "lib64/ld-linux-x86-64.so.2", "etc/passwd", "tmp/")
                .anyMatch(f -> f.startsWith("opt/bolometer/bolometer-") && f.endsWith(".jar"))
                .noneMatch(f -> f.equals("bin/sh") || f.equals("usr/bin/sh"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sample-app"})
    void theSampleAppImageIsOneStaticBinaryRunAsNonRoot(String name) throws IOException {
        Map<String, byte[]> archive = entries(GoToolchain.repoRoot().resolve("target/images/" + name + ".tar"));
        JsonNode manifest = JSON.readTree(archive.get("manifest.json")).get(0);
        JsonNode config = JSON.readTree(archive.get(manifest.path("Config").asText())).path("config");

        assertThat(config.path("Entrypoint").get(0).asText()).isEqualTo("/sample-app");
        assertThat(config.path("User").asText()).isEqualTo("65532:65532");
        assertThat(layerFiles(archive, manifest)).contains("sample-app").noneMatch(f -> f.startsWith("lib"));
    }

    private static List<String> dockerfileEntrypoint(String dockerfile) {
        for (String line : dockerfile.split("\n")) {
            if (line.startsWith("ENTRYPOINT ")) {
                List<String> words = new ArrayList<>();
                Matcher m = QUOTED.matcher(line);
                while (m.find()) {
                    words.add(m.group(1));
                }
                return words;
            }
        }
        throw new AssertionError("no ENTRYPOINT in the Dockerfile");
    }

    private static List<String> dockerfileEnv(String dockerfile) {
        return dockerfile.lines().filter(l -> l.startsWith("ENV ")).map(l -> l.substring(4).trim()).toList();
    }

    /** The file names in the image's layers (docker-archive: each layer is a tar inside the tar). */
    private static List<String> layerFiles(Map<String, byte[]> archive, JsonNode manifest) throws IOException {
        List<String> files = new ArrayList<>();
        for (JsonNode layer : manifest.path("Layers")) {
            files.addAll(Tar.names(archive.get(layer.asText())));
        }
        return files;
    }

    private static Map<String, byte[]> entries(Path tar) throws IOException {
        assertThat(tar).as("make images / scripts/build-images.sh output").exists();
        try (InputStream in = Files.newInputStream(tar)) {
            return Tar.read(in.readAllBytes());
        }
    }

    /** Just enough of ustar to list and read a docker-archive (regular files, names up to 255 with prefix). */
    static final class Tar {
        private Tar() {
        }

        static Map<String, byte[]> read(byte[] tar) {
            Map<String, byte[]> entries = new HashMap<>();
            walk(tar, (name, body) -> entries.put(name, body));
            return entries;
        }

        static List<String> names(byte[] tar) {
            List<String> names = new ArrayList<>();
            walk(tar, (name, body) -> names.add(name));
            return names;
        }

        private interface Visitor {
            void entry(String name, byte[] body);
        }

        private static void walk(byte[] tar, Visitor visitor) {
            int pos = 0;
            String longName = null;
            while (pos + 512 <= tar.length && tar[pos] != 0) {
                String name = text(tar, pos, 100);
                String prefix = text(tar, pos + 345, 155);
                long size = Long.parseLong(text(tar, pos + 124, 12).trim().isEmpty() ? "0" : text(tar, pos + 124, 12).trim(), 8);
                char type = (char) tar[pos + 156];
                int body = pos + 512;
                byte[] content = new byte[(int) size];
                System.arraycopy(tar, body, content, 0, (int) size);
                if (type == 'L') {
                    longName = new String(content, java.nio.charset.StandardCharsets.UTF_8).trim();
                } else {
                    String full = longName != null ? longName : prefix.isEmpty() ? name : prefix + "/" + name;
                    longName = null;
                    visitor.entry(full.startsWith("./") ? full.substring(2) : full, content);
                }
                pos = body + (int) ((size + 511) / 512 * 512);
            }
        }

        private static String text(byte[] tar, int from, int length) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = from; i < from + length && tar[i] != 0; i++) {
                out.write(tar[i]);
            }
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
