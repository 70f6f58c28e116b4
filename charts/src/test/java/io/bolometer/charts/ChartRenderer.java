package io.bolometer.charts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders helm/bolometer with the real Helm library (helm-java) and parses the output into plain maps. */
final class ChartRenderer {

    static final String RELEASE = "bolometer";
    static final String NAMESPACE = "bolometer-system";
    private static final ObjectMapper YAML = new YAMLMapper();

    private ChartRenderer() {
    }

    static Path repoRoot() {
        String configured = System.getProperty("bolometer.repo.root");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("helm/bolometer"))) {
                return p;
            }
        }
        throw new IllegalStateException("no helm/bolometer above " + start);
    }

    static Path chartDir() {
        return repoRoot().resolve("helm/bolometer");
    }

    /** `helm template bolometer helm/bolometer -n bolometer-system -f <values>`, as text. */
    static String renderText(Map<String, ?> values, String kubeVersion) {
        TemplateCommand command = new Helm(chartDir()).template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .skipCrds();
        if (kubeVersion != null) {
            command = command.withKubeVersion(kubeVersion);
        }
        if (!values.isEmpty()) {
            command = command.withValuesFile(writeValues(values));
        }
        return command.call();
    }

    static Manifests render(Map<String, ?> values) {
        return Manifests.parse(renderText(values, null));
    }

    static Manifests render(Map<String, ?> values, String kubeVersion) {
        return Manifests.parse(renderText(values, kubeVersion));
    }

    private static Path writeValues(Map<String, ?> values) {
        try {
            Path file = Files.createTempFile("bolometer-values-", ".yaml");
            file.toFile().deleteOnExit();
            YAML.writeValue(file.toFile(), values);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a multi-document YAML stream into one map per non-empty document. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parseDocuments(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yaml)) {
            var it = YAML.readValues(parser, Object.class);
            while (it.hasNext()) {
                if (it.next() instanceof Map<?, ?> doc && !doc.isEmpty()) {
                    docs.add((Map<String, Object>) doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }
}
