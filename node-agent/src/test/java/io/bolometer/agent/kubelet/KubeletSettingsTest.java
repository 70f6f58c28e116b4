package io.bolometer.agent.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeletSettingsTest {

    @Test
    void defaultsToTheHostIpOnPort10250WithTheServiceAccountTokenAndCa() {
        KubeletSettings settings = KubeletSettings.fromEnvironment(Map.of("HOST_IP", "10.0.1.5"));

        assertThat(settings.url()).isEqualTo(URI.create("https://10.0.1.5:10250"));
        assertThat(settings.tokenFile()).isEqualTo(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token"));
        assertThat(settings.caFile()).isEqualTo(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"));
        assertThat(settings.insecureSkipVerify()).isFalse();
        assertThat(settings.timeout()).isEqualTo(KubeletSettings.DEFAULT_TIMEOUT);
    }

    @Test
    void bracketsAnIpv6HostIp() {
        assertThat(KubeletSettings.fromEnvironment(Map.of("HOST_IP", "fd00:10::5")).url())
                .isEqualTo(URI.create("https://[fd00:10::5]:10250"));
    }

    @Test
    void takesEveryExplicitSettingOverItsDefault() {
        KubeletSettings settings = KubeletSettings.fromEnvironment(Map.of(
                "HOST_IP", "10.0.1.5",
                "KUBELET_URL", "https://node-a.internal:10250/",
                "KUBELET_TOKEN_FILE", "/tmp/token",
                "KUBELET_CA_FILE", "/tmp/ca.pem",
                "KUBELET_INSECURE_SKIP_VERIFY", "TRUE"));

        assertThat(settings.url()).isEqualTo(URI.create("https://node-a.internal:10250/"));
        assertThat(settings.tokenFile()).isEqualTo(Path.of("/tmp/token"));
        assertThat(settings.caFile()).isEqualTo(Path.of("/tmp/ca.pem"));
        assertThat(settings.insecureSkipVerify()).isTrue();
    }

    @Test
    void treatsBlankValuesAsUnset() {
        KubeletSettings settings = KubeletSettings.fromEnvironment(Map.of(
                "HOST_IP", "10.0.1.5", "KUBELET_URL", " ", "KUBELET_INSECURE_SKIP_VERIFY", ""));

        assertThat(settings.url()).isEqualTo(URI.create("https://10.0.1.5:10250"));
        assertThat(settings.insecureSkipVerify()).isFalse();
    }

    @Test
    void asksForHostIpWhenNoUrlCanBeMade() {
        assertThatThrownBy(() -> KubeletSettings.fromEnvironment(Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HOST_IP");
    }

    @Test
    void refusesPlainHttpBecauseTheTokenWouldTravelInClearText() {
        assertThatThrownBy(() -> KubeletSettings.fromEnvironment(Map.of("KUBELET_URL", "http://10.0.1.5:10255")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
    }

    @Test
    void refusesAnInsecureFlagThatIsNeitherTrueNorFalse() {
        assertThatThrownBy(() -> KubeletSettings.fromEnvironment(
                Map.of("HOST_IP", "10.0.1.5", "KUBELET_INSECURE_SKIP_VERIFY", "yes")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KUBELET_INSECURE_SKIP_VERIFY");
    }

    @Test
    void asksForOnlyCpuAndMemoryWhateverTheBaseUrlEndsWith() {
        KubeletSettings settings = new KubeletSettings(URI.create("https://127.0.0.1:10250//"), Path.of("t"),
                Path.of("c"), false, Duration.ofSeconds(1));

        assertThat(settings.summaryUri())
                .isEqualTo(URI.create("https://127.0.0.1:10250/stats/summary?only_cpu_and_memory=true"));
    }
}
