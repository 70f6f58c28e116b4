package io.bolometer.charts;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.bolometer.charts.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** values.schema.json refuses bad values before anything is rendered, naming the value. */
class ValuesSchemaTest {

    static Stream<Arguments> badValues() {
        return Stream.of(
                arguments("/coordinator/replicas", Map.of("coordinator", Map.of("replicas", -1))),
                arguments("/defaultConfig/thresholds/cpuThresholdPercent", Map.of("defaultConfig", Map.of("thresholds", Map.of("cpuThresholdPercent", 0)))),
                arguments("/defaultConfig/thresholds/cpuThresholdPercent", Map.of("defaultConfig", Map.of("thresholds", Map.of("cpuThresholdPercent", 1001)))),
                arguments("/defaultConfig/thresholds/memoryThresholdPercent", Map.of("defaultConfig", Map.of("thresholds", Map.of("memoryThresholdPercent", 101)))),
                arguments("/defaultConfig/thresholds/checkIntervalSeconds", Map.of("defaultConfig", Map.of("thresholds", Map.of("checkIntervalSeconds", 1)))),
                arguments("/defaultConfig/thresholds/cooldownSeconds", Map.of("defaultConfig", Map.of("thresholds", Map.of("cooldownSeconds", -5)))),
                arguments("/defaultConfig/onDemand/intervalSeconds", Map.of("defaultConfig", Map.of("onDemand", Map.of("intervalSeconds", 5)))),
                arguments("/defaultConfig/cpuProfileSeconds", Map.of("defaultConfig", Map.of("cpuProfileSeconds", 120))),
                arguments("/defaultConfig/profileTypes/1", Map.of("defaultConfig", Map.of("profileTypes", List.of("heap", "threadcreate")))),
                arguments("/defaultConfig/profileTypes", Map.of("defaultConfig", Map.of("profileTypes", List.of()))),
                arguments("/agent/image/pullPolicy", Map.of("agent", Map.of("image", Map.of("repository", "r", "pullPolicy", "Sometimes")))),
                arguments("/coordinator/image/pullPolicy", Map.of("coordinator", Map.of("image", Map.of("repository", "r", "pullPolicy", "always")))),
                arguments("/kubelet/insecureSkipVerify", Map.of("kubelet", Map.of("insecureSkipVerify", "yes"))),
                arguments("/s3/allowedEndpoints/0", Map.of("s3", Map.of("allowedEndpoints", List.of("minio:9000")))),
                arguments("/s3/allowedBuckets/0", Map.of("s3", Map.of("allowedBuckets", List.of("Not_A_Bucket")))),
                arguments("/s3/tenantPrefixes", Map.of("s3", Map.of("tenantPrefixes", "off"))),
                arguments("/agent/spool/maxBytes", Map.of("agent", Map.of("spool", Map.of("maxBytes", 0)))),
                arguments("/agent/shutdownGraceSeconds", Map.of("agent", Map.of("shutdownGraceSeconds", 0))),
                arguments("/agent/resources/limits/memory", Map.of("agent", Map.of("resources", Map.of("limits", Map.of("memory", "lots"))))),
                arguments("/defaultConfig/s3/bucket", Map.of("defaultConfig", Map.of("enabled", true, "s3", Map.of("bucket", "")))),
                arguments("coordinatr", Map.of("coordinatr", Map.of("replicas", 2))));
    }

    @ParameterizedTest(name = "refuses a bad {0}")
    @MethodSource("badValues")
    void refusesABadValueWithAMessageNamingIt(String named, Map<String, Object> values) {
        assertThatThrownBy(() -> render(values))
                .as("values %s", values)
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(named);
    }

    @Test
    void acceptsEveryProfileTypeAndTheBoundariesOfEachRange() {
        var m = render(Map.of(
                "coordinator", Map.of("replicas", 0),
                "agent", Map.of("image", Map.of("repository", "registry.local/agent", "tag", "dev", "pullPolicy", "Always"),
                        "resources", Map.of("limits", Map.of("cpu", "1.5", "memory", "1Gi"))),
                "s3", Map.of("allowedEndpoints", List.of("http://minio.storage:9000"), "allowedBuckets", List.of("my.bucket-1")),
                "defaultConfig", Map.of("enabled", true, "s3", Map.of("bucket", "my-profiles"),
                        "thresholds", Map.of("cpuThresholdPercent", 1000, "memoryThresholdPercent", 100,
                                "checkIntervalSeconds", 5, "cooldownSeconds", 0),
                        "onDemand", Map.of("intervalSeconds", 10), "cpuProfileSeconds", 60,
                        "profileTypes", List.of("heap", "cpu", "goroutine", "mutex", "block", "allocs"))));

        assertThat(m.ofKind("ProfilingConfig")).hasSize(1);
        assertThat(Yaml.str(m.get("DaemonSet", "bolometer-agent"), "spec.template.spec.containers"))
                .contains("registry.local/agent:dev");
    }
}
