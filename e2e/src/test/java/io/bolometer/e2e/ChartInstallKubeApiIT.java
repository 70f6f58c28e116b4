package io.bolometer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.bolometer.agent.testing.GoToolchain;
import io.bolometer.coordinator.testing.RealApiServer;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code helm install} of the chart (the real Helm library through helm-java) into a real API server: every object,
 * CRDs included, is accepted and created as rendered. No controllers or kubelets run there, so pods are not started.
 */
class ChartInstallKubeApiIT {
    @RegisterExtension
    static final RealApiServer API = new RealApiServer();

    @Test
    void installsTheChartWithADefaultConfigIntoARealApiServer() {
        Path chart = GoToolchain.repoRoot().resolve("helm/bolometer");
        Release release = new Helm(chart).install().withName("bolometer").withNamespace("bolometer-system")
                .createNamespace().withKubeConfigContents(API.kubeConfigYaml())
                .set("serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn", "arn:aws:iam::123456789012:role/bolometer")
                .set("defaultConfig.enabled", "true")
                .set("defaultConfig.s3.bucket", "my-profiling-bucket")
                .call();

        assertThat(release.getStatus()).isEqualTo("deployed");
        KubernetesClient client = API.client();
        DaemonSet agents = client.apps().daemonSets().inNamespace("bolometer-system").list().getItems().get(0);
        Deployment coordinator = client.apps().deployments().inNamespace("bolometer-system").list().getItems().get(0);
        assertThat(agents.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .anySatisfy(e -> assertThat(e.getName()).isEqualTo("NODE_NAME"));
        assertThat(coordinator.getSpec().getReplicas()).isEqualTo(2);
        assertThat(client.serviceAccounts().inNamespace("bolometer-system").list().getItems())
                .anySatisfy(sa -> assertThat(sa.getMetadata().getAnnotations())
                        .containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/bolometer"));
        assertThat(client.rbac().clusterRoles().withLabel("app.kubernetes.io/name", "bolometer").list().getItems()).hasSize(2);
        assertThat(client.policy().v1beta1().podDisruptionBudget().inNamespace("bolometer-system").list().getItems())
                .as("policy/v1beta1 on a 1.20 server").hasSize(1);
        assertThat(client.resources(ProfilingConfig.class).inAnyNamespace().list().getItems()).singleElement()
                .satisfies(c -> assertThat(c.getSpec().getS3Config().getBucket()).isEqualTo("my-profiling-bucket"));
    }
}
