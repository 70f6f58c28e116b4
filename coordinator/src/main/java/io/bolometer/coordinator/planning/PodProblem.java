package io.bolometer.coordinator.planning;

/** A selected pod that can't be profiled as annotated, e.g. {@code profiling.io/port "abc" is not a port}. */
public record PodProblem(String configId, String podId, String message) {
}
