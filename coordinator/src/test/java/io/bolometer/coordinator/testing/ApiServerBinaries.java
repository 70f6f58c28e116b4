package io.bolometer.coordinator.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;


/**
 * Where {@code scripts/kube-apiserver.sh} put etcd, kube-apiserver and kubectl (the layout kube-api-test expects),
 * and what to do when they are missing: skip loudly on a developer's machine, fail under {@code CI=true}.
 */
public record ApiServerBinaries(Path testDir, Path layout) {
    public static final String VERSION = "1.20.2";
    private static final List<String> NAMES = List.of("etcd", "kube-apiserver", "kubectl");

    /** The binaries under {@code $KUBE_API_TEST_DIR} (default {@code ~/.cache/kube-apiserver/kubeapitest}). */
    public static ApiServerBinaries fromEnvironment() {
        String dir = System.getenv("KUBE_API_TEST_DIR");
        Path testDir = dir == null || dir.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "kube-apiserver", "kubeapitest")
                : Path.of(dir);
        return new ApiServerBinaries(testDir, testDir.resolve("k8s").resolve(VERSION + "-linux-amd64"));
    }

    public Path kubectl() {
        return layout.resolve("kubectl");
    }

    /**
     * Empty when all three binaries are there and executable; else the loud reason to skip, or — under
     * {@code CI=true} — an {@link IllegalStateException}.
     */
    public Optional<String> missingReason() {
        List<String> missing = NAMES.stream().filter(n -> !Files.isExecutable(layout.resolve(n))).toList();
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        String reason = "REAL API SERVER TESTS NOT RUN: " + String.join(", ", missing) + " missing under " + layout
                + " — run `make kube-apiserver` (builds v" + VERSION + " from Debian's packages once, ~8-10 min)";
        System.err.println(reason);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(reason + " [CI=true: a missing API server is a failure, not a skip]");
        }
        return Optional.of(reason);
    }
}
