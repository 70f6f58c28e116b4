package io.bolometer.bench.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bolometer.agent.insight.ProfileSummarizer;
import io.bolometer.agent.testing.GoToolchain;
import io.bolometer.model.ProfileType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the summary (Insight) costs per profile, for {@code make bench}: wall time and bytes allocated by
 * {@link ProfileSummarizer} on the real Go profiles of the sample app (the recorded fixtures: cpu, heap, allocs,
 * goroutine, mutex, block; a few KiB each, like the bench pods' profiles), and on one large {@link LargeProfile}
 * (64 MiB decompressed, 40,000 functions; smoke: 4 MiB).
 *
 * <p>Usage: {@code SummaryCostBench <out.json> [full|smoke]}; run by {@code ChildPrograms} with a small heap
 * ({@code -Xmx64m}) so the large profile also shows the summarizer's memory bound. Keys {@code summary_*}.
 */
public final class SummaryCostBench {
    private static final Path FIXTURES = GoToolchain.repoRoot().resolve("node-agent/src/test/resources/fixtures/pprof");
    private static final List<String> REAL = List.of("cpu", "heap", "allocs", "goroutine", "mutex", "block");

    private SummaryCostBench() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        boolean smoke = args.length > 1 && "smoke".equals(args[1]);
        Map<String, Object> figures = new LinkedHashMap<>();
        ProfileSummarizer summarizer = new ProfileSummarizer();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        int rounds = smoke ? 20 : 300;
        double[] micros = new double[rounds];
        long allocated = 0;
        long bytes = 0;
        for (int round = -rounds / 4; round < rounds; round++) { // the first quarter warms the JIT up
            long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            for (String type : REAL) {
                summarizer.summarize(ProfileType.fromWireName(type), FIXTURES.resolve(type + ".pprof"));
            }
            if (round >= 0) {
                micros[round] = (System.nanoTime() - start) / 1e3 / REAL.size();
                allocated += threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            }
        }
        for (String type : REAL) {
            bytes += Files.size(FIXTURES.resolve(type + ".pprof"));
        }
        Arrays.sort(micros);
        figures.put("summary_small_profile_ms_median", micros[rounds / 2] / 1000);
        figures.put("summary_small_profile_ms_p99", micros[Math.min(rounds - 1, rounds * 99 / 100)] / 1000);
        figures.put("summary_small_profile_alloc_kib", allocated / 1024.0 / rounds / REAL.size());
        figures.put("summary_small_profile_gzip_kib", bytes / 1024.0 / REAL.size());

        Path file = Files.createTempFile("bolometer-large-", ".pprof");
        try {
            long decompressed = LargeProfile.write(file, (smoke ? 4L : 64L) << 20, 42);
            int runs = smoke ? 2 : 4;
            double[] millis = new double[runs];
            long[] allocations = new long[runs];
            summarizer.summarize(ProfileType.HEAP, file); // warm-up
            for (int run = 0; run < runs; run++) {
                long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
                long start = System.nanoTime();
                summarizer.summarize(ProfileType.HEAP, file);
                millis[run] = (System.nanoTime() - start) / 1e6;
                allocations[run] = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            }
            Arrays.sort(millis);
            Arrays.sort(allocations);
            figures.put("summary_large_profile_ms_median", millis[runs / 2]);
            figures.put("summary_large_profile_alloc_mib", allocations[runs / 2] / 1048576.0);
            figures.put("summary_large_profile_decompressed_mib", decompressed / 1048576.0);
            figures.put("summary_large_profile_gzip_mib", Files.size(file) / 1048576.0);
            figures.put("summary_max_heap_mib", Runtime.getRuntime().maxMemory() / 1048576.0);
        } finally {
            Files.deleteIfExists(file);
        }
        write(out, figures);
    }

    private static void write(Path out, Map<String, Object> figures) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), figures);
    }
}
