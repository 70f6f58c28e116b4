package io.bolometer.agent.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bolometer.agent.targets.PodRef;
import io.bolometer.agent.trigger.UsageSnapshot;
import io.bolometer.agent.trigger.UsageSourceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcUsageSourceTest {
    // A real /proc/<pid>/stat line of a Go process (command name with a space and parentheses to be awkward).
    private static final String STAT = "4242 (sample app (go)) S 1 4242 4242 0 -1 4194560 1549 0 0 0 "
            + "1234 567 0 0 20 0 9 0 123456 1254649856 3060 18446744073709551615 1 1 0 0 0 0 0 0 2143420159 0 0 0 "
            + "17 1 0 0 0 0 0";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void readsCpuTicksAsNanosecondsDespiteSpacesInTheCommandName() {
        assertThat(ProcUsageSource.cpuNanos(STAT)).isEqualTo((1234L + 567L) * 10_000_000L);
    }

    @Test
    void readsResidentMemoryFromStatus() {
        assertThat(ProcUsageSource.residentBytes(List.of("Name:\tsample-app", "VmRSS:\t   12240 kB", "Threads: 9")))
                .isEqualTo(12240L * 1024);
        assertThat(ProcUsageSource.residentBytes(List.of("Name:\tkthreadd"))).isEqualTo(-1);
    }

    @Test
    void samplesProcessesUnderAProcRootAndLeavesOutGoneOnes(@TempDir Path proc) throws Exception {
        writeProcess(proc, 4242, STAT, "VmRSS:\t2048 kB\n");
        PodRef present = new PodRef("local", "app");
        PodRef gone = new PodRef("local", "gone");
        ProcUsageSource source = new ProcUsageSource(proc, Map.of(present, 4242L, gone, 99999L), CLOCK);

        UsageSnapshot snapshot = source.sample().get();

        assertThat(snapshot.pods()).containsOnlyKeys(present);
        assertThat(snapshot.pods().get(present).workingSetBytes()).isEqualTo(2048L * 1024);
        assertThat(snapshot.pods().get(present).cpuUsageCoreNanoSeconds()).isEqualTo(1801L * 10_000_000L);
        assertThat(snapshot.pods().get(present).time()).isEqualTo(CLOCK.instant());
    }

    @Test
    void failsWhenNoProcessCanBeRead(@TempDir Path proc) {
        ProcUsageSource source = new ProcUsageSource(proc, Map.of(new PodRef("local", "gone"), 99999L), CLOCK);

        assertThatThrownBy(() -> source.sample().get())
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(UsageSourceException.class).hasMessageContaining("99999");
    }

    @Test
    void readsThisJvmFromTheRealProc() throws Exception {
        long pid = ProcessHandle.current().pid();
        ProcUsageSource source = new ProcUsageSource(Path.of("/proc"), Map.of(new PodRef("local", "jvm"), pid),
                Clock.systemUTC());

        UsageSnapshot snapshot = source.sample().get();

        assertThat(snapshot.pods().get(new PodRef("local", "jvm")).workingSetBytes()).isGreaterThan(1024 * 1024);
        assertThat(snapshot.pods().get(new PodRef("local", "jvm")).cpuUsageCoreNanoSeconds()).isPositive();
    }

    private static void writeProcess(Path proc, long pid, String stat, String status) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("stat"), stat);
        Files.writeString(dir.resolve("status"), status);
    }
}
