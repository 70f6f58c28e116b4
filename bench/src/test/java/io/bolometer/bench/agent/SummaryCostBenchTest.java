package io.bolometer.bench.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.bench.SmokeRun;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench program at toy size: every key a finite positive number. No timing is asserted. */
class SummaryCostBenchTest {
    @TempDir
    Path dir;

    @Test
    void writesEverySummaryFigureAsAFinitePositiveNumber() throws Exception {
        Map<String, Double> figures = SmokeRun.figures(dir, "summary.json", SummaryCostBench::main);

        assertThat(figures.keySet()).containsExactly("summary_small_profile_ms_median",
                "summary_small_profile_ms_p99", "summary_small_profile_alloc_kib", "summary_small_profile_gzip_kib",
                "summary_large_profile_ms_median", "summary_large_profile_alloc_mib",
                "summary_large_profile_decompressed_mib", "summary_large_profile_gzip_mib", "summary_max_heap_mib");
        assertThat(figures.values()).allSatisfy(value -> assertThat(value).isPositive());
        assertThat(figures.get("summary_large_profile_decompressed_mib")).isGreaterThan(3.5);
    }
}
