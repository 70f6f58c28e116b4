package io.bolometer.agent.trigger;

/**
 * The CPU cores and memory bytes a pod's usage is measured against, and where each figure came from
 * (the sum of container limits, else of requests, else the node's allocatable).
 */
public record ResourceLimits(double cpuCores, Basis cpuBasis, long memoryBytes, Basis memoryBasis) {

    /** Where a limit figure came from, for log lines that explain a percentage. */
    public enum Basis { LIMIT, REQUEST, ALLOCATABLE, CONFIGURED, UNKNOWN }

    public static ResourceLimits configured(double cpuCores, long memoryBytes) {
        return new ResourceLimits(cpuCores, cpuCores > 0 ? Basis.CONFIGURED : Basis.UNKNOWN,
                memoryBytes, memoryBytes > 0 ? Basis.CONFIGURED : Basis.UNKNOWN);
    }

    /**
     * Resolves the figure to use: limits when every container has one, else requests when every container has
     * one, else the node's allocatable. Values ≤ 0 mean "not set".
     */
    public static ResourceLimits resolve(double cpuLimit, double cpuRequest, double cpuAllocatable,
                                         long memoryLimit, long memoryRequest, long memoryAllocatable) {
        double cpu;
        Basis cpuBasis;
        if (cpuLimit > 0) {
            cpu = cpuLimit;
            cpuBasis = Basis.LIMIT;
        } else if (cpuRequest > 0) {
            cpu = cpuRequest;
            cpuBasis = Basis.REQUEST;
        } else if (cpuAllocatable > 0) {
            cpu = cpuAllocatable;
            cpuBasis = Basis.ALLOCATABLE;
        } else {
            cpu = 0;
            cpuBasis = Basis.UNKNOWN;
        }
        long memory;
        Basis memoryBasis;
        if (memoryLimit > 0) {
            memory = memoryLimit;
            memoryBasis = Basis.LIMIT;
        } else if (memoryRequest > 0) {
            memory = memoryRequest;
            memoryBasis = Basis.REQUEST;
        } else if (memoryAllocatable > 0) {
            memory = memoryAllocatable;
            memoryBasis = Basis.ALLOCATABLE;
        } else {
            memory = 0;
            memoryBasis = Basis.UNKNOWN;
        }
        return new ResourceLimits(cpu, cpuBasis, memory, memoryBasis);
    }
}
