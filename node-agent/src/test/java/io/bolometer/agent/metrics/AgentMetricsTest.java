package io.bolometer.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.model.CaptureReason;
import io.bolometer.model.ProfileType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {

    @Test
    void exportsTheContractCountersWithZerosBeforeAnythingHappens() {
        String scrape = new AgentMetrics().scrape();

        assertThat(scrape)
                .contains("profiling_errors_total{stage=\"kubelet\"} 0.0")
                .contains("profiling_errors_total{stage=\"upload\"} 0.0")
                .contains("profiling_captures_skipped_total{reason=\"cpu-profiler-busy\"} 0.0")
                .contains("profiling_threshold_violations_total{resource=\"cpu\"} 0.0")
                .contains("profiling_uploads_total{profile_type=\"heap\"} 0.0")
                .contains("profiling_usage_source_up 1.0");
    }

    @Test
    void countsCapturesUploadsErrorsAndViolationsUnderTheirContractNames() {
        AgentMetrics metrics = new AgentMetrics();
        metrics.captured(ProfileType.CPU, CaptureReason.THRESHOLD_EXCEEDED, Duration.ofSeconds(5));
        metrics.captured(ProfileType.CPU, CaptureReason.THRESHOLD_EXCEEDED, Duration.ofSeconds(5));
        metrics.uploaded(ProfileType.CPU, Duration.ofMillis(40));
        metrics.error("fetch");
        metrics.thresholdViolation("memory");
        metrics.skipped("capture-in-progress");

        String scrape = metrics.scrape();

        assertThat(scrape)
                .contains("profiling_captures_total{profile_type=\"cpu\",reason=\"threshold-exceeded\"} 2.0")
                .contains("profiling_uploads_total{profile_type=\"cpu\"} 1.0")
                .contains("profiling_errors_total{stage=\"fetch\"} 1.0")
                .contains("profiling_threshold_violations_total{resource=\"memory\"} 1.0")
                .contains("profiling_captures_skipped_total{reason=\"capture-in-progress\"} 1.0")
                .contains("profiling_capture_duration_seconds_count{profile_type=\"cpu\"} 2")
                .contains("profiling_upload_duration_seconds_count 1");
    }
}
