package io.bolometer.bench.coordinator;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The mock API server's CRUD dispatcher, counting every request it serves by verb and resource (a watch counts
 * once, when it is opened): {@code "PATCH profilingassignments"}, {@code "GET pods (watch)"}, …
 */
public final class CountingDispatcher extends KubernetesCrudDispatcher {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        counts.computeIfAbsent(key(request.getMethod(), request.getPath()), k -> new LongAdder()).increment();
        return super.dispatch(request);
    }

    /** Requests so far by {@code "VERB resource"}, sorted. */
    public Map<String, Long> counts() {
        Map<String, Long> snapshot = new TreeMap<>();
        counts.forEach((key, count) -> snapshot.put(key, count.sum()));
        return snapshot;
    }

    /** Requests so far whose key starts with one of these verbs and names this resource. */
    public long count(String resource, String... verbs) {
        long total = 0;
        for (String verb : verbs) {
            total += counts.entrySet().stream().filter(e -> e.getKey().startsWith(verb + " " + resource))
                    .mapToLong(e -> e.getValue().sum()).sum();
        }
        return total;
    }

    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** {@code /api/v1/namespaces/shop/pods/a?x} → {@code "GET pods"}; a subresource and a watch are named. */
    static String key(String method, String path) {
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String[] parts = bare.split("/");
        boolean apis = parts.length > 1 && "apis".equals(parts[1]);
        int first = apis ? 4 : 3; // after /api/v1 or /apis/<group>/<version>
        if (first < parts.length && "namespaces".equals(parts[first]) && first + 2 < parts.length) {
            first += 2;
        }
        String resource = first < parts.length ? parts[first] : bare;
        if (first + 2 < parts.length) {
            resource += "/" + parts[first + 2];
        }
        boolean watch = path.contains("watch=true");
        return method + " " + resource + (watch ? " (watch)" : "");
    }
}
