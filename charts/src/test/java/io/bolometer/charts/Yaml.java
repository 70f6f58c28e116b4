package io.bolometer.charts;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Dotted-path access into parsed YAML/JSON maps, for assertions. */
final class Yaml {

    private Yaml() {
    }

    static Object at(Object root, String path) {
        Object current = root;
        for (String key : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    static String str(Object root, String path) {
        Object v = at(root, path);
        return v == null ? null : String.valueOf(v);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object root, String path) {
        Object v = at(root, path);
        if (!(v instanceof Map)) {
            throw new AssertionError("expected a map at " + path + " but found " + v);
        }
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object root, String path) {
        Object v = at(root, path);
        return v == null ? List.of() : (List<Map<String, Object>>) v;
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Object root, String path) {
        Object v = at(root, path);
        return v == null ? List.of() : ((List<Object>) v).stream().map(String::valueOf).toList();
    }

    /** The container of a pod spec by name. */
    static Map<String, Object> container(Map<String, Object> podSpec, String name) {
        return list(podSpec, "containers").stream().filter(c -> name.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    /** An env var's literal value, or its fieldRef path as "fieldRef:<path>". */
    static Optional<String> env(Map<String, Object> container, String name) {
        return list(container, "env").stream().filter(e -> name.equals(e.get("name"))).findFirst().map(e -> {
            if (e.containsKey("value")) {
                return String.valueOf(e.get("value"));
            }
            return "fieldRef:" + str(e, "valueFrom.fieldRef.fieldPath");
        });
    }
}
