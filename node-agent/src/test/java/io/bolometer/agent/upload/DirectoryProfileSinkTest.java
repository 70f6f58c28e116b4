package io.bolometer.agent.upload;

import io.bolometer.agent.store.StoredProfile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DirectoryProfileSinkTest {

    private static final String KEY = "profiles/2026-11-25/shop/20261125101530-checkout-7d9f8-x2x-cpu.pprof";
    private static final Map<String, String> METADATA = Map.of("pod-name", "checkout-7d9f8-x2x",
            "profile-type", "cpu", "label-app.kubernetes.io_name", "=?UTF-8?B?w6lxdWlwZQ==?=");
    private static final Map<String, String> TAGS = Map.of("profile-type", "cpu", "reason", "threshold-exceeded");

    @TempDir
    Path root;
    @TempDir
    Path spool;

    @Test
    void writesTheBodyAtItsKeyAndTheMetadataBesideIt() throws Exception {
        DirectoryProfileSink sink = new DirectoryProfileSink(root);

        store(sink, profile(KEY, "pprof bytes"));

        assertThat(root.resolve(KEY)).hasContent("pprof bytes");
        JsonNode json = new ObjectMapper().readTree(root.resolve(KEY + ".json").toFile());
        assertThat(json.get("objectKey").asText()).isEqualTo(KEY);
        METADATA.forEach((name, value) -> assertThat(json.get(name).asText()).isEqualTo(value));
        assertThat(json.get("tags").get("reason").asText()).isEqualTo("threshold-exceeded");
        assertThat(json.get("tags").size()).isEqualTo(2);
        assertThat(json.size()).isEqualTo(METADATA.size() + 2);
    }

    @Test
    void writesTheSummaryDocumentBesideTheProfileWhenItHasOne() throws Exception {
        DirectoryProfileSink sink = new DirectoryProfileSink(root);
        JsonNode summary = new ObjectMapper().readTree("{\"type\":\"cpu\",\"grew\":[],\"baseline\":null}");
        StoredProfile plain = profile(KEY, "pprof bytes");

        store(sink, new StoredProfile(KEY, plain.body(), plain.sizeBytes(), METADATA, TAGS, summary));

        Path written = root.resolve(KEY.replace(".pprof", ".summary.json"));
        assertThat(new ObjectMapper().readTree(written.toFile())).isEqualTo(summary);
        assertThat(root.resolve(KEY + ".json")).exists();
    }

    @Test
    void overwritesTheSameKeyWhenStoredAgainAndLeavesNoTemporaryFiles() throws Exception {
        DirectoryProfileSink sink = new DirectoryProfileSink(root);
        store(sink, profile(KEY, "first"));

        store(sink, profile(KEY, "second"));

        assertThat(root.resolve(KEY)).hasContent("second");
        try (Stream<Path> files = Files.list(root.resolve(KEY).getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("20261125101530-checkout-7d9f8-x2x-cpu.pprof",
                            "20261125101530-checkout-7d9f8-x2x-cpu.pprof.json");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape.pprof", "profiles/../../escape.pprof", "/etc/passwd", "a//b.pprof",
            "./a.pprof", "a\\..\\b.pprof", ""})
    void rejectsKeysThatAreNotPlainRelativePaths(String key) throws IOException {
        DirectoryProfileSink sink = new DirectoryProfileSink(root);

        assertThatThrownBy(() -> store(sink, profile(key, "x")))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void failsTheFutureWhenTheBodyIsGone() throws IOException {
        DirectoryProfileSink sink = new DirectoryProfileSink(root);
        StoredProfile profile = profile(KEY, "x");
        Files.delete(profile.body());

        assertThatThrownBy(() -> store(sink, profile)).isInstanceOf(ExecutionException.class);
        assertThat(root.resolve(KEY)).doesNotExist();
    }

    @Test
    void describesItselfByItsDirectory() {
        assertThat(new DirectoryProfileSink(root).describe()).contains(root.toString());
    }

    private StoredProfile profile(String key, String body) throws IOException {
        Path file = Files.writeString(Files.createTempFile(spool, "body", ".part"), body);
        return new StoredProfile(key, file, Files.size(file), METADATA, TAGS);
    }

    private static void store(DirectoryProfileSink sink, StoredProfile profile) throws Exception {
        sink.store(profile).get(10, TimeUnit.SECONDS);
    }
}
