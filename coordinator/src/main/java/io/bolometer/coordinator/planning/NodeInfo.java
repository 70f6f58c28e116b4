package io.bolometer.coordinator.planning;

/** A node's name and allocatable resources, the last fallback for percentages of pods without limits or requests. */
public record NodeInfo(String name, double allocatableCpuCores, long allocatableMemoryBytes) {
}
