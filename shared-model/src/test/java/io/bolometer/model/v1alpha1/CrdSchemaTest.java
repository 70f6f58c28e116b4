package io.bolometer.model.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** What the generator must make of the Java types; the real API server tier checks that it also behaves. */
class CrdSchemaTest {

    private static final String CONFIGS = "profilingconfigs.profiling.io-v1.yml";
    private static final String ASSIGNMENTS = "profilingassignments.profiling.io-v1.yml";

    @Test
    void neitherCrdCarriesCelRulesThatKubernetes120WouldRefuse() throws IOException {
        assertThat(CrdDriftTest.generated(CONFIGS)).doesNotContain("x-kubernetes-validations");
        assertThat(CrdDriftTest.generated(ASSIGNMENTS)).doesNotContain("x-kubernetes-validations");
    }

    @Test
    void configsAreNamespacedAndAssignmentsClusterScoped() throws IOException {
        assertThat(CrdDriftTest.generated(CONFIGS)).contains("scope: \"Namespaced\"", "- \"pcfg\"", "- \"profiling\"");
        assertThat(CrdDriftTest.generated(ASSIGNMENTS)).contains("scope: \"Cluster\"", "- \"profiling\"");
    }

    @Test
    void profileTypesAreEnumeratedByTheirLowercaseWireNames() throws IOException {
        assertThat(CrdDriftTest.generated(CONFIGS)).containsSubsequence("profileTypes:", "enum:",
                "- \"allocs\"", "- \"block\"", "- \"cpu\"", "- \"goroutine\"", "- \"heap\"", "- \"mutex\"");
    }

    @Test
    void printerColumnsKeepTheirDeclaredOrderWithAgeLast() throws IOException {
        assertThat(CrdDriftTest.generated(CONFIGS)).containsSubsequence("additionalPrinterColumns:",
                "name: \"Matched\"", "name: \"Nodes\"", "name: \"Captures\"", "name: \"Last Capture\"",
                "name: \"Valid\"", "name: \"Age\"", "name: \"v1alpha1\"");
        assertThat(CrdDriftTest.generated(ASSIGNMENTS)).containsSubsequence("additionalPrinterColumns:",
                "name: \"Node\"", "name: \"Age\"", "name: \"v1alpha1\"");
    }

    @Test
    void bothCrdsHaveAStatusSubresource() throws IOException {
        assertThat(CrdDriftTest.generated(CONFIGS)).contains("subresources:\n      status: {}");
        assertThat(CrdDriftTest.generated(ASSIGNMENTS)).contains("subresources:\n      status: {}");
    }
}
