package io.bolometer.charts;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The objects one `helm template` produced, with small accessors for tests. */
record Manifests(List<Map<String, Object>> objects) {

    static Manifests parse(String yaml) {
        return new Manifests(ChartRenderer.parseDocuments(yaml));
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).collect(Collectors.toList());
    }

    Map<String, Object> get(String kind, String name) {
        return objects.stream()
                .filter(o -> kind.equals(o.get("kind")) && name.equals(Yaml.str(o, "metadata.name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + summary()));
    }

    boolean has(String kind, String name) {
        return objects.stream().anyMatch(o -> kind.equals(o.get("kind")) && name.equals(Yaml.str(o, "metadata.name")));
    }

    List<String> summary() {
        return objects.stream().map(o -> o.get("kind") + "/" + Yaml.str(o, "metadata.name")).collect(Collectors.toList());
    }

    /** Pod templates of every workload (Deployment, DaemonSet), keyed by kind/name. */
    Map<String, Map<String, Object>> podSpecs() {
        return objects.stream()
                .filter(o -> "Deployment".equals(o.get("kind")) || "DaemonSet".equals(o.get("kind")))
                .collect(Collectors.toMap(o -> o.get("kind") + "/" + Yaml.str(o, "metadata.name"),
                        o -> Yaml.map(o, "spec.template.spec")));
    }
}
