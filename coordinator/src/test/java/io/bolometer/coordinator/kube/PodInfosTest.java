package io.bolometer.coordinator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.coordinator.planning.PodInfo;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 14 item 5: the coordinator keeps only what it plans with. */
class PodInfosTest {

    private static Pod pod(Map<String, String> annotations) {
        return new PodBuilder().withNewMetadata().withNamespace("shop").withName("p").withUid("u")
                .addToLabels("app", "checkout").addToAnnotations(annotations).endMetadata()
                .withNewSpec().withNodeName("node-a").endSpec().withNewStatus().withPhase("Pending").endStatus().build();
    }

    @Test
    void keepsNeitherLabelsNorOtherAnnotationsOfAPodThatDidNotOptIn() {
        PodInfo info = PodInfos.from(pod(Map.of("kubectl.kubernetes.io/last-applied-configuration", "x".repeat(250 * 1024))));

        assertThat(info.labels()).isEmpty();
        assertThat(info.annotations()).isEmpty();
    }

    @Test
    void keepsLabelsAndOnlyTheProfilingAnnotationsOfAPodThatOptedIn() {
        PodInfo info = PodInfos.from(pod(Map.of("profiling.io/enabled", "true", "profiling.io/port", "7070",
                "kubectl.kubernetes.io/last-applied-configuration", "x".repeat(250 * 1024))));

        assertThat(info.labels()).containsExactly(Map.entry("app", "checkout"));
        assertThat(info.annotations()).containsOnlyKeys("profiling.io/enabled", "profiling.io/port");
    }

    @Test
    void cutsAHugeProfilingAnnotationToJustOverWhatAnyParserRuleAccepts() {
        PodInfo info = PodInfos.from(pod(Map.of("profiling.io/enabled", "true", "profiling.io/path", "/" + "p".repeat(200_000))));

        assertThat(info.annotations().get("profiling.io/path")).hasSize(257);
    }

    @Test
    void marksHostNetworkPods() {
        Pod pod = pod(Map.of("profiling.io/enabled", "true"));
        pod.getSpec().setHostNetwork(true);

        assertThat(PodInfos.from(pod).hostNetwork()).isTrue();
        assertThat(PodInfos.from(pod(Map.of())).hostNetwork()).isFalse();
    }
}
