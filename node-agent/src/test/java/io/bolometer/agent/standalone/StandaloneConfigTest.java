package io.bolometer.agent.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bolometer.agent.targets.ProfilingTarget;
import io.bolometer.agent.store.StoreLocation;
import io.bolometer.model.ProfileType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

class StandaloneConfigTest {
    private static final String EXAMPLE = """
            store:
              directory: ./profiles
            metricsPort: 0
            healthPort: 0
            config:
              thresholds: {cpuThresholdPercent: 80, memoryThresholdPercent: 90, checkIntervalSeconds: 5, cooldownSeconds: 60}
              onDemand: {enabled: false, intervalSeconds: 35}
              profileTypes: [cpu, heap, goroutine, mutex]
              cpuProfileSeconds: 5
            targets:
              - name: sample-app-7d9f8-x2x
                namespace: local
                labels: {app.kubernetes.io/name: sample-app}
                url: http://127.0.0.1:6060
                pid: 12345
                cpuLimitCores: 1.0
                memoryLimitBytes: 536870912
            """;

    @Test
    void readsTheDocumentedExampleIntoTargets(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"), EXAMPLE);
        StandaloneConfig config = StandaloneConfig.read(file);
        StoreLocation store = StandaloneAgent.storeLocation(config, dir);

        List<ProfilingTarget> targets = StandaloneAgent.targets(config, store, "");

        assertThat(store).isEqualTo(new StoreLocation.Directory(dir.resolve("profiles").toString()));
        assertThat(StandaloneAgent.spoolDir(config, dir)).isEqualTo(dir.resolve("spool"));
        assertThat(targets).hasSize(1);
        ProfilingTarget target = targets.get(0);
        assertThat(target.service()).isEqualTo("sample-app");
        assertThat(target.pid()).isEqualTo(12345);
        assertThat(target.limits().cpuCores()).isEqualTo(1.0);
        assertThat(target.limits().memoryBytes()).isEqualTo(536870912L);
        assertThat(target.pprofPath()).isEqualTo("/debug/pprof");
        assertThat(target.settings().checkInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(target.settings().cooldown()).isEqualTo(Duration.ofSeconds(60));
        assertThat(target.settings().profileTypes())
                .containsExactly(ProfileType.CPU, ProfileType.HEAP, ProfileType.GOROUTINE, ProfileType.MUTEX);
        assertThat(target.settings().cpuProfileSeconds()).isEqualTo(5);
        assertThat(config.metricsPortOrDefault()).isZero();
        assertThat(target.settings().baseline()).as("baselines are off unless asked for").isFalse();
    }

    @Test
    void readsBaselineSettingsFromTheConfig(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"), EXAMPLE.replace("  cpuProfileSeconds: 5\n",
                "  cpuProfileSeconds: 5\n  baseline: {enabled: true, intervalMinutes: 15}\n"));
        StandaloneConfig config = StandaloneConfig.read(file);

        ProfilingTarget target = StandaloneAgent.targets(config, StandaloneAgent.storeLocation(config, dir), "").get(0);

        assertThat(target.settings().baseline()).isTrue();
        assertThat(target.settings().baselineInterval()).isEqualTo(Duration.ofMinutes(15));
    }

    /** Each bad input, as a replacement in the example, and what the refusal names. */
    @ParameterizedTest(name = "{3}")
    @CsvSource(delimiter = '|', textBlock = """
            cpuProfileSeconds       | cpuProfileSecs                                | cpuProfileSecs                      | an unknown field
            [cpu, heap              | [cpux, heap                                   | cpux                                | an unknown profile type
            directory: ./profiles   | directory: ./profiles\\n  s3: {bucket: b}      | exactly one of 'directory' or 's3'  | a store with both directory and s3
            config:\\n               | config:\\n  selector: {namespace: default}\\n   | selector                            | a selector (targets replace it)
            directory: ./profiles   | 's3: {bucket: b, expectedBucketOwner: me}'    | store.s3.expectedBucketOwner must be an AWS account ID | an expected bucket owner that is no account ID
            """)
    void refusesBadInputNamingIt(String from, String to, String named, String what, @TempDir Path dir)
            throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"),
                EXAMPLE.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n")));

        assertThatThrownBy(() -> StandaloneConfig.read(file))
                .isInstanceOf(StandaloneConfig.InvalidStandaloneConfigException.class)
                .hasMessageContaining(named);
    }
}
