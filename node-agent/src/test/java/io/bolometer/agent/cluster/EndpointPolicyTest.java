package io.bolometer.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 14 item 6: the agent checks the chart's S3 endpoint allow-list again. */
class EndpointPolicyTest {
    private final EndpointPolicy policy = new EndpointPolicy("bolometer-system", List.of("http://minio.storage.svc:9000"));

    @Test
    void letsAConfigOutsideTheReleaseNamespaceUseOnlyAListedEndpoint() {
        assertThat(policy.problem("shop", "HTTP://MINIO.storage.svc:9000/")).isNull();
        assertThat(policy.problem("shop", "http://attacker.example:9000"))
                .isEqualTo("its S3 endpoint is not in ALLOWED_S3_ENDPOINTS (a config outside bolometer-system may use only those)");
        assertThat(policy.problem("shop", null)).as("AWS itself").isNull();
    }

    @Test
    void trustsTheReleaseNamespacesConfigs() {
        assertThat(policy.problem("bolometer-system", "http://anything.example:9000")).isNull();
    }

    @Test
    void anEmptyListAllowsNoEndpointAndAnUnsetOneChecksNothing() {
        assertThat(new EndpointPolicy("bolometer-system", List.of()).problem("shop", "http://minio:9000")).isNotNull();
        assertThat(EndpointPolicy.NONE.problem("shop", "http://minio:9000")).isNull();
    }

    @Test
    void readsTheListAndTheNamespaceFromTheEnvironment() {
        ClusterSettings settings = ClusterSettings.fromEnvironment(Map.of("NODE_NAME", "node-a", "HOST_IP", "10.0.1.5",
                "POD_NAMESPACE", "bolometer-system", "ALLOWED_S3_ENDPOINTS", " http://a:9000 , http://b:9000 "));

        assertThat(settings.endpoints()).isEqualTo(new EndpointPolicy("bolometer-system",
                List.of("http://a:9000", "http://b:9000")));
        assertThat(ClusterSettings.fromEnvironment(Map.of("NODE_NAME", "node-a", "HOST_IP", "10.0.1.5")).endpoints())
                .isEqualTo(EndpointPolicy.NONE);
    }
}
