package io.bolometer.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bolometer.agent.kubelet.KubeletSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

    @Test
    void refusesToStartWithoutNodeNameAndSaysWhereItComesFrom() {
        assertThatThrownBy(() -> ClusterSettings.fromEnvironment(Map.of("HOST_IP", "10.0.0.5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NODE_NAME is required").hasMessageContaining("spec.nodeName");
        assertThatThrownBy(() -> ClusterSettings.fromEnvironment(Map.of("NODE_NAME", " ", "HOST_IP", "10.0.0.5")))
                .hasMessageContaining("NODE_NAME");
    }

    @Test
    void appliesTheContractDefaults() {
        ClusterSettings settings = ClusterSettings.fromEnvironment(Map.of("NODE_NAME", "node-a", "HOST_IP", "10.0.0.5"));

        assertThat(settings.nodeName()).isEqualTo("node-a");
        assertThat(settings.kubelet().url()).isEqualTo(URI.create("https://10.0.0.5:10250"));
        assertThat(settings.kubelet().tokenFile()).isEqualTo(KubeletSettings.DEFAULT_TOKEN_FILE);
        assertThat(settings.spoolDir()).isEqualTo(Path.of("/var/lib/bolometer/spool"));
        assertThat(settings.spoolMaxBytes()).isEqualTo(512L * 1024 * 1024);
        assertThat(settings.metricsPort()).isEqualTo(8080);
        assertThat(settings.healthPort()).isEqualTo(8081);
        assertThat(settings.bindHost()).isEqualTo("0.0.0.0");
        assertThat(settings.statusInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void takesEveryVariableItNames() {
        ClusterSettings settings = ClusterSettings.fromEnvironment(Map.of("NODE_NAME", "node-a",
                "KUBELET_URL", "https://kubelet.local:10250", "KUBELET_INSECURE_SKIP_VERIFY", "true",
                "SPOOL_DIR", "/spool", "SPOOL_MAX_BYTES", "1048576", "METRICS_PORT", "9090", "HEALTH_PORT", "9091"));

        assertThat(settings.kubelet().url()).isEqualTo(URI.create("https://kubelet.local:10250"));
        assertThat(settings.kubelet().insecureSkipVerify()).isTrue();
        assertThat(settings.spoolDir()).isEqualTo(Path.of("/spool"));
        assertThat(settings.spoolMaxBytes()).isEqualTo(1048576);
        assertThat(settings.metricsPort()).isEqualTo(9090);
        assertThat(settings.healthPort()).isEqualTo(9091);
        assertThat(settings.runtime().spoolDir()).isEqualTo(Path.of("/spool"));
    }

    @Test
    void namesTheVariableThatIsMalformed() {
        assertThatThrownBy(() -> ClusterSettings.fromEnvironment(Map.of("NODE_NAME", "n", "HOST_IP", "10.0.0.5",
                "SPOOL_MAX_BYTES", "512Mi"))).hasMessageContaining("SPOOL_MAX_BYTES");
        assertThatThrownBy(() -> ClusterSettings.fromEnvironment(Map.of("NODE_NAME", "n", "HOST_IP", "10.0.0.5",
                "METRICS_PORT", "70000"))).hasMessageContaining("METRICS_PORT");
        assertThatThrownBy(() -> ClusterSettings.fromEnvironment(Map.of("NODE_NAME", "n")))
                .hasMessageContaining("HOST_IP");
    }
}
