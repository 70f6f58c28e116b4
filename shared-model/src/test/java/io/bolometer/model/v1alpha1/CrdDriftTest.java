package io.bolometer.model.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CRDs committed for the chart and for plain kubectl must be exactly what the build generates. */
class CrdDriftTest {

    static final Path REPO_ROOT = Path.of(System.getProperty("bolometer.repo.root", "..")).toAbsolutePath().normalize();

    @ParameterizedTest(name = "{1}/{0} matches the generated CRD")
    @CsvSource({
            "profilingconfigs.profiling.io-v1.yml, helm/bolometer/crds",
            "profilingconfigs.profiling.io-v1.yml, deploy/crds",
            "profilingassignments.profiling.io-v1.yml, helm/bolometer/crds",
            "profilingassignments.profiling.io-v1.yml, deploy/crds",
    })
    void committedCopyEqualsTheGeneratedCrd(String file, String dir) throws IOException {
        String generated = generated(file);
        Path committed = REPO_ROOT.resolve(dir).resolve(file);

        assertThat(committed).as("%s is missing: run make crds", committed).exists();
        assertThat(Files.readString(committed, StandardCharsets.UTF_8))
                .as("%s differs from the CRD generated from the Java types: run make crds", committed)
                .isEqualTo(generated);
    }

    /** The generator's output, as process-classes left it in target/classes/META-INF/fabric8/. */
    static String generated(String file) throws IOException {
        try (InputStream in = CrdDriftTest.class.getResourceAsStream("/META-INF/fabric8/" + file)) {
            assertThat(in).as("no generated %s on the classpath: build shared-model (process-classes)", file).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
