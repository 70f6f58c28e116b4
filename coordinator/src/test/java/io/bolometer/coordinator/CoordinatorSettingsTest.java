package io.bolometer.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bolometer.coordinator.kube.LeaderElection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoordinatorSettingsTest {

    @Test
    void leaseTimingDefaultsTo15SecondsLease10Renew2Retry() {
        assertThat(CoordinatorSettings.fromEnvironment(Map.of()).leaseTiming())
                .isEqualTo(new LeaderElection.Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)));
    }

    @Test
    void leaseTimingComesFromTheEnvironment() {
        CoordinatorSettings settings = CoordinatorSettings.fromEnvironment(Map.of("LEASE_DURATION_SECONDS", "6",
                "LEASE_RENEW_DEADLINE_SECONDS", "4", "LEASE_RETRY_PERIOD_SECONDS", " 1 "));
        assertThat(settings.leaseTiming())
                .isEqualTo(new LeaderElection.Timing(Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(1)));
    }

    @Test
    void refusesARenewDeadlineThatIsNotShorterThanTheLease() {
        assertThatThrownBy(() -> CoordinatorSettings.fromEnvironment(Map.of("LEASE_DURATION_SECONDS", "10",
                "LEASE_RENEW_DEADLINE_SECONDS", "10")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LEASE_RENEW_DEADLINE_SECONDS < LEASE_DURATION_SECONDS, got 2 < 10 < 10");
    }

    @Test
    void refusesARetryPeriodThatIsNotShorterThanTheRenewDeadline() {
        assertThatThrownBy(() -> CoordinatorSettings.fromEnvironment(Map.of("LEASE_RETRY_PERIOD_SECONDS", "10")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 10 < 10 < 15");
    }

    @Test
    void refusesANonNumericOrZeroDuration() {
        assertThatThrownBy(() -> CoordinatorSettings.fromEnvironment(Map.of("LEASE_DURATION_SECONDS", "15s")))
                .hasMessage("LEASE_DURATION_SECONDS must be a whole number of seconds, got '15s'");
        assertThatThrownBy(() -> CoordinatorSettings.fromEnvironment(Map.of("LEASE_RETRY_PERIOD_SECONDS", "0")))
                .hasMessage("LEASE_RETRY_PERIOD_SECONDS must be at least 1 second, got 0");
    }

    @Test
    void tenantPrefixesAreOnUnlessTheEnvironmentSaysNone() {
        assertThat(CoordinatorSettings.fromEnvironment(Map.of()).planner().tenantPrefixes()).isTrue();
        assertThat(CoordinatorSettings.fromEnvironment(Map.of("S3_TENANT_PREFIXES", "namespace")).planner().tenantPrefixes()).isTrue();
        assertThat(CoordinatorSettings.fromEnvironment(Map.of("S3_TENANT_PREFIXES", "none")).planner().tenantPrefixes()).isFalse();
        assertThatThrownBy(() -> CoordinatorSettings.fromEnvironment(Map.of("S3_TENANT_PREFIXES", "off")))
                .hasMessage("S3_TENANT_PREFIXES must be 'namespace' or 'none', got 'off'");
    }
}
