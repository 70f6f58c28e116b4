package io.bolometer.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 14 item 6: pod IPs the agent refuses to fetch from, whatever its assignment says. */
class FetchTargetGuardTest {

    @ParameterizedTest(name = "node {0}, pod {1}: {2}")
    @CsvSource(nullValues = "null", value = {
            "10.0.1.5, 169.254.169.254, link-local",
            "10.0.1.5, fe80::1, link-local",
            "null, 169.254.169.254, link-local",
            "10.0.1.5, 10.0.1.5, this node's own address",
            "fd00:10::5, fd00:10:0:0:0:0:0:5, this node's own address",
            "10.0.1.5, 127.0.0.1, loopback",
            "10.0.1.5, ::1, loopback",
            "10.0.1.5, 0.0.0.0, loopback"})
    void refusesAddressesThatAreNotAnotherPod(String node, String pod, String why) {
        assertThat(new FetchTargetGuard(node).problem(pod)).contains(why);
    }

    @ParameterizedTest(name = "node {0}, pod {1}")
    @CsvSource(nullValues = "null", value = {
            "10.0.1.5, 10.0.2.7",
            "10.0.1.5, fd00:10::7",
            "null, 127.0.0.41",
            "127.0.0.1, 127.0.0.41"})
    void allowsPodIpsAndLoopbackOnlyOnTestRigs(String node, String pod) {
        assertThat(new FetchTargetGuard(node).problem(pod)).isNull();
    }
}
