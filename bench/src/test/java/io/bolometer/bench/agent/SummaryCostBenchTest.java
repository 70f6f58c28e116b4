package io.bolometer.bench.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench program at toy size: every key a finite positive number. No timing is asserted. */
class SummaryCostBenchTest {
    @TempDir
    Path dir;

    @Test
    void writesEverySummaryFigureAsAFinitePositiveNumber() throws Exception {
        Path out = dir.resolve("summary.json");

        SummaryCostBench.main(new String[] {out.toString(), "smoke"});

        JsonNode figures = new ObjectMapper().readTree(out.toFile());
        assertThat(figures.fieldNames()).toIterable().containsExactly("summary_small_profile_ms_median",
                "summary_small_profile_ms_p99", "summary_small_profile_alloc_kib", "summary_small_profile_gzip_kib",
                "summary_large_profile_ms_median", "summary_large_profile_alloc_mib",
                "summary_large_profile_decompressed_mib", "summary_large_profile_gzip_mib", "summary_max_heap_mib");
        figures.forEach(value -> assertThat(value.asDouble()).isPositive().isFinite());
        assertThat(figures.get("summary_large_profile_decompressed_mib").asDouble()).isGreaterThan(3.5);
    }
}
