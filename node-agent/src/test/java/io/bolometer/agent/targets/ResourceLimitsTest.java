package io.bolometer.agent.targets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceLimitsTest {

    @Test
    void prefersLimitsOverRequestsOverAllocatable() {
        ResourceLimits limits = ResourceLimits.resolve(0.5, 0.1, 4, 256, 64, 8192);

        assertThat(limits.cpuCores()).isEqualTo(0.5);
        assertThat(limits.cpuBasis()).isEqualTo(ResourceLimits.Basis.LIMIT);
        assertThat(limits.memoryBytes()).isEqualTo(256);
        assertThat(limits.memoryBasis()).isEqualTo(ResourceLimits.Basis.LIMIT);
    }

    @Test
    void fallsBackToRequestsThenToNodeAllocatableForEachResourceSeparately() {
        ResourceLimits limits = ResourceLimits.resolve(0, 0.25, 4, 0, 0, 8192);

        assertThat(limits.cpuCores()).isEqualTo(0.25);
        assertThat(limits.cpuBasis()).isEqualTo(ResourceLimits.Basis.REQUEST);
        assertThat(limits.memoryBytes()).isEqualTo(8192);
        assertThat(limits.memoryBasis()).isEqualTo(ResourceLimits.Basis.ALLOCATABLE);
    }

    @Test
    void isUnknownWhenNothingIsSet() {
        ResourceLimits limits = ResourceLimits.resolve(0, 0, 0, 0, 0, 0);

        assertThat(limits.cpuBasis()).isEqualTo(ResourceLimits.Basis.UNKNOWN);
        assertThat(limits.memoryBasis()).isEqualTo(ResourceLimits.Basis.UNKNOWN);
    }
}
