package io.bolometer.coordinator.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.model.v1alpha1.AssignedConfig;
import io.bolometer.model.v1alpha1.BaselineSettings;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import org.junit.jupiter.api.Test;

class AssignedConfigsTest {
    private static final PlannerSettings SETTINGS =
            new PlannerSettings(Configs.COORDINATOR_NAMESPACE, java.util.List.of(), java.util.List.of());

    @Test
    void passesBaselineSettingsWithTheirDefaultIntervalOnlyWhenEnabled() {
        ProfilingConfig enabled = Configs.in("shop", "with-baseline").build();
        enabled.getSpec().setBaseline(new BaselineSettings(true, null));
        ProfilingConfig disabled = Configs.in("shop", "without").build();
        disabled.getSpec().setBaseline(new BaselineSettings(false, 15));

        AssignedConfig on = AssignedConfigs.of(enabled, SETTINGS);

        assertThat(on.getBaseline()).isEqualTo(new BaselineSettings(true, 60));
        assertThat(on.toSpec().baselineOrDefault().enabledOrDefault()).isTrue();
        assertThat(AssignedConfigs.of(disabled, SETTINGS).getBaseline()).as("assignments stay as they were").isNull();
        assertThat(AssignedConfigs.of(Configs.in("shop", "plain").build(), SETTINGS).getBaseline()).isNull();
    }
}
