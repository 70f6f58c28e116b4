package io.bolometer.model.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 14 item 9: an omitted {@code cpuProfileSeconds} never conflicts with the intervals it must stay under. */
class CpuProfileDefaultTest {

    @ParameterizedTest(name = "check {0} s, periodic {1} ({2} s), set {3} -> {4} s")
    @CsvSource(nullValues = "null", value = {
            "null, false, null, null, 10",
            "30,   false, null, null, 10",
            "11,   false, null, null, 10",
            "10,   false, null, null, 9",
            "5,    false, null, null, 4",
            "30,   true,  10,   null, 9",
            "30,   false, 10,   null, 10",
            "5,    true,  10,   null, 4",
            "10,   false, null, 20,   20"})
    void omittedCpuProfileSecondsIsTenOrOneLessThanTheShortestInterval(Integer checkInterval, boolean periodic,
                                                                       Integer periodicInterval, Integer set,
                                                                       int expected) {
        ProfilingConfigSpec spec = new ProfilingConfigSpec();
        spec.setThresholds(new Thresholds(null, null, checkInterval, null));
        spec.setOnDemand(new OnDemand(periodic, periodicInterval));
        spec.setCpuProfileSeconds(set);

        assertThat(spec.cpuProfileSecondsOrDefault()).isEqualTo(expected);
    }
}
