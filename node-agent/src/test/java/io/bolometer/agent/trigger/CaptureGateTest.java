package io.bolometer.agent.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CaptureGateTest {

    @Test
    void allowsOneCapturePerPodAtATime() {
        CaptureGate<String> gate = new CaptureGate<>();

        assertThat(gate.tryAcquire("ns/a")).isTrue();
        assertThat(gate.tryAcquire("ns/a")).isFalse();
        assertThat(gate.tryAcquire("ns/b")).isTrue();
        assertThat(gate.inProgress()).isEqualTo(2);
        gate.release("ns/a");
        assertThat(gate.tryAcquire("ns/a")).isTrue();
    }
}
