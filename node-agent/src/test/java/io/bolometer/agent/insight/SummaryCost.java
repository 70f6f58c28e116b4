package io.bolometer.agent.insight;

import io.bolometer.model.ProfileType;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Measures what summarising a large profile costs: wall time and bytes allocated per run, on a {@link LargeProfile}
 * of the given decompressed size. Not a test; run it with a small {@code -Xmx} to show the memory bound, e.g.
 * {@code java -Xmx32m -cp <test and main classes, shared-model, jackson> io.bolometer.agent.insight.SummaryCost 64 5}.
 */
public final class SummaryCost {

    private SummaryCost() {
    }

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 64;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path file = Files.createTempFile("bolometer-large-", ".pprof");
        try {
            long decompressed = LargeProfile.write(file, mib << 20, 42);
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            ProfileSummarizer summarizer = new ProfileSummarizer();
            long[] millis = new long[runs];
            long[] allocated = new long[runs];
            ProfileSummary summary = null;
            for (int run = 0; run < runs; run++) {
                long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
                long start = System.nanoTime();
                summary = summarizer.summarize(ProfileType.HEAP, file);
                millis[run] = (System.nanoTime() - start) / 1_000_000;
                allocated[run] = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            }
            Arrays.sort(millis);
            Arrays.sort(allocated);
            System.out.printf("profile: %.1f MiB decompressed, %.1f MiB gzip'd; max heap %d MiB%n",
                    decompressed / 1048576.0, Files.size(file) / 1048576.0, Runtime.getRuntime().maxMemory() >> 20);
            System.out.printf("summary: median %d ms (min %d, max %d) over %d runs; %.1f MiB allocated per run%n",
                    millis[runs / 2], millis[0], millis[runs - 1], runs, allocated[runs / 2] / 1048576.0);
            System.out.println("top: " + summary.topFlat().orElseThrow() + " of " + summary.top().size() + " kept");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
