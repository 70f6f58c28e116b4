package io.bolometer.agent.targets;

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
        Basis cpuBasis = basis(cpuLimit, cpuRequest, cpuAllocatable);
        Basis memoryBasis = basis(memoryLimit, memoryRequest, memoryAllocatable);
        return new ResourceLimits(pick(cpuBasis, cpuLimit, cpuRequest, cpuAllocatable), cpuBasis,
                (long) pick(memoryBasis, memoryLimit, memoryRequest, memoryAllocatable), memoryBasis);
    }

    private static Basis basis(double limit, double request, double allocatable) {
        if (limit > 0) {
            return Basis.LIMIT;
        }
        if (request > 0) {
            return Basis.REQUEST;
        }
        return allocatable > 0 ? Basis.ALLOCATABLE : Basis.UNKNOWN;
    }

    private static double pick(Basis basis, double limit, double request, double allocatable) {
        return switch (basis) {
            case LIMIT -> limit;
            case REQUEST -> request;
            case ALLOCATABLE -> allocatable;
            default -> 0;
        };
    }
}
