package io.bolometer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bolometer.model.ServiceNames.Owner;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceNamesTest {
    private static final Owner REPLICA_SET = new Owner("ReplicaSet", "checkout-7d9f8c6b5");

    @Test
    void prefersTheRecommendedNameLabel() {
        Map<String, String> labels = Map.of("app.kubernetes.io/name", "checkout", "app", "shop", "k8s-app", "legacy");

        assertThat(ServiceNames.derive(labels, REPLICA_SET, "checkout-7d9f8c6b5-x2x4q")).isEqualTo("checkout");
    }

    @Test
    void fallsBackToAppLabelThenK8sAppLabel() {
        assertThat(ServiceNames.derive(Map.of("app", "shop", "k8s-app", "legacy"), null, "p")).isEqualTo("shop");
        assertThat(ServiceNames.derive(Map.of("k8s-app", "kube-dns"), null, "p")).isEqualTo("kube-dns");
    }

    @Test
    void skipsBlankLabelValuesToTheNextRule() {
        Map<String, String> labels = Map.of("app.kubernetes.io/name", "  ", "app", "", "k8s-app", "\t");

        assertThat(ServiceNames.derive(labels, null, "web-0")).isEqualTo("web");
    }

    @Test
    void toleratesNullLabelsAndNullLabelValues() {
        Map<String, String> labels = new HashMap<>();
        labels.put("app", null);

        assertThat(ServiceNames.derive(null, null, "web-0")).isEqualTo("web");
        assertThat(ServiceNames.derive(labels, null, "web-0")).isEqualTo("web");
    }

    @Test
    void replacesSlashesSpacesAndUnicodeInLabelValues() {
        assertThat(ServiceNames.derive(Map.of("app", "team/checkout"), null, "p")).isEqualTo("team_checkout");
        assertThat(ServiceNames.derive(Map.of("app", " my service "), null, "p")).isEqualTo("my_service");
        assertThat(ServiceNames.derive(Map.of("app", "café-€"), null, "p")).isEqualTo("caf_-_");
        assertThat(ServiceNames.derive(Map.of("app", "a\u0000b\nc"), null, "p")).isEqualTo("a_b_c");
    }

    @Test
    void replacesEachCharacterOutsideTheBasicPlaneWithOneUnderscore() {
        assertThat(ServiceNames.derive(Map.of("app", "svc-\uD83D\uDD25"), null, "p")).isEqualTo("svc-_");
    }

    @Test
    void neverReturnsADotSegment() {
        assertThat(ServiceNames.derive(Map.of("app", "."), null, "p")).isEqualTo("_");
        assertThat(ServiceNames.derive(Map.of("app", ".."), null, "p")).isEqualTo("__");
        assertThat(ServiceNames.derive(Map.of("app", "..a"), null, "p")).isEqualTo("..a");
    }

    @Test
    void cutsLongNamesToSixtyThreeCharacters() {
        String derived = ServiceNames.derive(Map.of("app", "s".repeat(70) + "/x"), null, "p");

        assertThat(derived).isEqualTo("s".repeat(63));
    }

    @Test
    void stripsPodTemplateHashFromReplicaSetOwner() {
        Map<String, String> labels = Map.of("pod-template-hash", "7d9f8c6b5");

        assertThat(ServiceNames.derive(labels, REPLICA_SET, "checkout-7d9f8c6b5-x2x4q")).isEqualTo("checkout");
    }

    @Test
    void stripsExactlyTheLabelledHashEvenWhenItDoesNotLookGenerated() {
        Map<String, String> labels = Map.of("pod-template-hash", "abc");
        Owner owner = new Owner("ReplicaSet", "payments-api-abc");

        assertThat(ServiceNames.derive(labels, owner, "payments-api-abc-x2x4q")).isEqualTo("payments-api");
    }

    @Test
    void keepsReplicaSetNameWhenTheLabelledHashIsNotItsSuffix() {
        Map<String, String> labels = Map.of("pod-template-hash", "5f6b7c8d9");
        Owner owner = new Owner("ReplicaSet", "checkout-7d9f8c6b5");

        assertThat(ServiceNames.derive(labels, owner, "checkout-7d9f8c6b5-x2x4q")).isEqualTo("checkout-7d9f8c6b5");
    }

    @Test
    void stripsHashLikeSuffixFromReplicaSetOwnerWithoutHashLabel() {
        assertThat(ServiceNames.derive(Map.of(), REPLICA_SET, "checkout-7d9f8c6b5-x2x4q")).isEqualTo("checkout");
    }

    @Test
    void keepsReplicaSetOwnerNameWithoutHashSuffix() {
        Owner bare = new Owner("ReplicaSet", "frontend");
        Owner wordy = new Owner("ReplicaSet", "shop-backend");

        assertThat(ServiceNames.derive(Map.of(), bare, "frontend-x2x4q")).isEqualTo("frontend");
        assertThat(ServiceNames.derive(Map.of(), wordy, "shop-backend-x2x4q")).isEqualTo("shop-backend");
    }

    @Test
    void usesStatefulSetDaemonSetAndJobOwnerNamesAsTheyAre() {
        assertThat(ServiceNames.derive(Map.of(), new Owner("StatefulSet", "web"), "web-0")).isEqualTo("web");
        assertThat(ServiceNames.derive(Map.of(), new Owner("DaemonSet", "agent-x2x4q"), "agent-x2x4q-b7kzp"))
                .isEqualTo("agent-x2x4q");
        assertThat(ServiceNames.derive(Map.of(), new Owner("Job", "backup-28401234"), "backup-28401234-q7n2m"))
                .isEqualTo("backup-28401234");
    }

    @Test
    void ignoresNodeOwnerOfStaticPodsAndStripsTheNodeName() {
        Owner node = new Owner("Node", "ip-10-0-1-5");

        assertThat(ServiceNames.derive(Map.of(), node, "etcd-ip-10-0-1-5")).isEqualTo("etcd");
    }

    @Test
    void ignoresOwnerWithBlankName() {
        assertThat(ServiceNames.derive(Map.of(), new Owner("ReplicaSet", " "), "checkout-7d9f8c6b5-x2x4q"))
                .isEqualTo("checkout");
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource({
            "ReplicaSet hash and random suffix stripped, checkout-7d9f8c6b5-x2x4q, checkout",
            "random suffix of a DaemonSet or Job pod stripped, node-exporter-b7kzp, node-exporter",
            "StatefulSet ordinal stripped, web-0, web",
            "StatefulSet ordinal stripped, kafka-broker-12, kafka-broker",
            "plain name without a generated suffix kept, my-service, my-service",
            "plain name without a generated suffix kept, standalone, standalone",
    })
    void derivesFromThePodNameWhenThereIsNoLabelOrOwner(String rule, String podName, String service) {
        assertThat(ServiceNames.derive(Map.of(), null, podName)).isEqualTo(service);
    }

    @Test
    void stripsLabelledHashAndRandomSuffixFromPodNameWithoutOwner() {
        Map<String, String> labels = Map.of("pod-template-hash", "abc");

        assertThat(ServiceNames.derive(labels, null, "payments-abc-x2x4q")).isEqualTo("payments");
    }

    @Test
    void fallsBackToUnknownWhenNothingIsUsable() {
        assertThat(ServiceNames.derive(Map.of(), null, null)).isEqualTo("unknown");
        assertThat(ServiceNames.derive(Map.of(), null, "  ")).isEqualTo("unknown");
    }

    @Test
    void sanitizesWithAGivenMaximumLength() {
        assertThat(ServiceNames.sanitizeSegment("checkout/v2", 5)).isEqualTo("check");
        assertThat(ServiceNames.sanitizeSegment("..", 1)).isEqualTo("_");
        assertThatThrownBy(() -> ServiceNames.sanitizeSegment("x", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
