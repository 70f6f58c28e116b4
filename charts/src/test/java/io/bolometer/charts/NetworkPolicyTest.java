package io.bolometer.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Issue 14 item 8: the chart's NetworkPolicies, off by default, rendered by the real Helm library. */
class NetworkPolicyTest {

    private static Manifests render(Map<String, Object> values) {
        return ChartRenderer.render(values);
    }

    @Test
    void rendersNoNetworkPolicyByDefault() {
        assertThat(render(Map.of()).ofKind("NetworkPolicy")).isEmpty();
    }

    @Test
    void letsTheAgentReachOnlyPprofPortsTheKubeletTheApiServerS3AndDns() {
        var m = render(Map.of("networkPolicy", Map.of("enabled", true, "pprofPorts", List.of(6060, 7070),
                "kubelet", Map.of("cidrs", List.of("10.0.0.0/16"), "port", 10250))));
        var agent = m.get("NetworkPolicy", "bolometer-agent");

        assertThat(Yaml.strings(agent, "spec.policyTypes")).containsExactly("Ingress", "Egress");
        assertThat(Yaml.map(agent, "spec.podSelector.matchLabels"))
                .isEqualTo(Yaml.map(m.get("DaemonSet", "bolometer-agent"), "spec.selector.matchLabels"));
        assertThat(egressPorts(agent)).containsExactlyInAnyOrder(6060, 7070, 10250, 443, 6443, 443, 53, 53);
        assertThat(Yaml.list(agent, "spec.egress")).anySatisfy(rule -> {
            assertThat(ports(rule)).containsExactly(10250);
            assertThat(Yaml.list(rule, "to")).singleElement().satisfies(peer ->
                    assertThat(Yaml.str(peer, "ipBlock.cidr")).isEqualTo("10.0.0.0/16"));
        });
        assertThat(ingressPorts(agent)).containsExactly(8080, 8081);
    }

    @Test
    void letsTheCoordinatorReachOnlyTheApiServerAndDns() {
        var coordinator = render(Map.of("networkPolicy", Map.of("enabled", true))).get("NetworkPolicy", "bolometer-coordinator");

        assertThat(egressPorts(coordinator)).containsExactlyInAnyOrder(443, 6443, 53, 53);
        assertThat(ingressPorts(coordinator)).containsExactly(8080, 8081);
    }

    private static List<Integer> egressPorts(Map<String, Object> policy) {
        return Yaml.list(policy, "spec.egress").stream().flatMap(rule -> ports(rule).stream()).toList();
    }

    private static List<Integer> ingressPorts(Map<String, Object> policy) {
        return Yaml.list(policy, "spec.ingress").stream().flatMap(rule -> ports(rule).stream()).toList();
    }

    private static List<Integer> ports(Map<String, Object> rule) {
        return Yaml.list(rule, "ports").stream().map(p -> p.get("port")).filter(Objects::nonNull)
                .map(p -> ((Number) p).intValue()).toList();
    }
}
