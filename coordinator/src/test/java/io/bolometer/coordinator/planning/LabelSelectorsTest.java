package io.bolometer.coordinator.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.model.v1alpha1.LabelSelectorRequirement;
import io.bolometer.model.v1alpha1.LabelSelectorRequirement.Operator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LabelSelectorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"app", "app.kubernetes.io/name", "example.com/a_b.c-d", "A1"})
    void acceptsKubernetesLabelKeys(String key) {
        assertThat(LabelSelectors.problems("s", Map.of(key, "v"), null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-app", "app-", "a b", "Example.com/app", "/app", "example.com/", "a/b/c",
            "a234567890123456789012345678901234567890123456789012345678901234"})
    void rejectsMalformedLabelKeys(String key) {
        assertThat(LabelSelectors.problems("s", Map.of(key, "v"), null)).singleElement().asString()
                .startsWith("s.labelSelector key \"" + key + "\" is not a valid label key");
    }

    @Test
    void acceptsEmptyValuesButNotMalformedOnes() {
        assertThat(LabelSelectors.problems("s", Map.of("app", ""), null)).isEmpty();
        assertThat(LabelSelectors.problems("s", Map.of("app", "a b"), null)).singleElement().asString()
                .startsWith("s.labelSelector[app] value \"a b\" is not a valid label value");
        assertThat(LabelSelectors.problems("s", null,
                List.of(new LabelSelectorRequirement("tier", Operator.In, List.of("ok", "-bad")))))
                .singleElement().asString().startsWith("s.matchExpressions[0].values[1] value \"-bad\"");
    }

    @Test
    void requiresAnOperator() {
        assertThat(LabelSelectors.problems("s", null, List.of(new LabelSelectorRequirement("tier", null, null))))
                .containsExactly("s.matchExpressions[0].operator is required (In, NotIn, Exists or DoesNotExist)");
    }

    @Test
    void matchesEqualityAndExpressionsTogether() {
        Map<String, String> labels = Map.of("app", "checkout", "tier", "prod");
        List<LabelSelectorRequirement> notCanary =
                List.of(new LabelSelectorRequirement("tier", Operator.NotIn, List.of("canary")));

        assertThat(LabelSelectors.matches(Map.of("app", "checkout"), notCanary, labels)).isTrue();
        assertThat(LabelSelectors.matches(Map.of("app", "cart"), notCanary, labels)).isFalse();
        assertThat(LabelSelectors.matches(null, null, labels)).isTrue();
        assertThat(LabelSelectors.matches(Map.of("app", "checkout"), notCanary, Map.of("tier", "prod"))).isFalse();
    }
}
