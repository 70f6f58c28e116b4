package io.bolometer.agent.targets;

import static io.bolometer.agent.targets.ResourceLimits.Basis.ALLOCATABLE;
import static io.bolometer.agent.targets.ResourceLimits.Basis.LIMIT;
import static io.bolometer.agent.targets.ResourceLimits.Basis.REQUEST;
import static io.bolometer.agent.targets.ResourceLimits.Basis.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceLimitsTest {

    @Test
    void prefersLimitsOverRequestsOverAllocatable() {
        assertThat(ResourceLimits.resolve(0.5, 0.1, 4, 256, 64, 8192))
                .isEqualTo(new ResourceLimits(0.5, LIMIT, 256, LIMIT));
    }

    @Test
    void fallsBackToRequestsThenToNodeAllocatableForEachResourceSeparately() {
        assertThat(ResourceLimits.resolve(0, 0.25, 4, 0, 0, 8192))
                .isEqualTo(new ResourceLimits(0.25, REQUEST, 8192, ALLOCATABLE));
    }

    @Test
    void isUnknownWhenNothingIsSet() {
        assertThat(ResourceLimits.resolve(0, 0, 0, 0, 0, 0)).isEqualTo(new ResourceLimits(0, UNKNOWN, 0, UNKNOWN));
    }
}
