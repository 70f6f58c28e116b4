package io.bolometer.model.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.LabelSelectorRequirement.Operator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfilingConfigSpecJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String FULL_SPEC = """
            {"selector": {"namespace": "default", "labelSelector": {"app": "my-go-app"},
                          "matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "api"]}]},
             "thresholds": {"cpuThresholdPercent": 80, "memoryThresholdPercent": 90,
                            "checkIntervalSeconds": 30, "cooldownSeconds": 300},
             "onDemand": {"enabled": true, "intervalSeconds": 35},
             "s3Config": {"bucket": "my-profiling-bucket", "prefix": "profiles", "region": "us-west-2",
                          "endpoint": "http://minio:9000", "forcePathStyle": true},
             "profileTypes": ["heap", "cpu", "goroutine", "mutex", "block", "allocs"],
             "cpuProfileSeconds": 10}
            """;

    private static ProfilingConfigSpec fullSpec() {
        ProfilingConfigSpec spec = new ProfilingConfigSpec();
        spec.setSelector(new Selector("default", Map.of("app", "my-go-app"),
                List.of(new LabelSelectorRequirement("tier", Operator.In, List.of("web", "api")))));
        spec.setThresholds(new Thresholds(80, 90, 30, 300));
        spec.setOnDemand(new OnDemand(true, 35));
        spec.setS3Config(new S3Config("my-profiling-bucket", "profiles", "us-west-2", "http://minio:9000", true));
        spec.setProfileTypes(List.of(ProfileType.HEAP, ProfileType.CPU, ProfileType.GOROUTINE, ProfileType.MUTEX,
                ProfileType.BLOCK, ProfileType.ALLOCS));
        spec.setCpuProfileSeconds(10);
        return spec;
    }

    @Test
    void writesEveryFieldUnderItsSchemaName() throws Exception {
        assertThat(MAPPER.readTree(MAPPER.writeValueAsString(fullSpec()))).isEqualTo(MAPPER.readTree(FULL_SPEC));
    }

    @Test
    void readsTheDocumentedSpecBackIntoEqualObjects() throws Exception {
        ProfilingConfigSpec read = MAPPER.readValue(FULL_SPEC, ProfilingConfigSpec.class);

        assertThat(read).isEqualTo(fullSpec());
        assertThat(MAPPER.readValue(MAPPER.writeValueAsString(read), ProfilingConfigSpec.class)).isEqualTo(read);
    }

    @Test
    void serializesProfileTypesByWireName() throws Exception {
        ProfilingConfigSpec spec = new ProfilingConfigSpec();
        spec.setProfileTypes(List.of(ProfileType.CPU, ProfileType.HEAP));

        assertThat(MAPPER.writeValueAsString(spec)).isEqualTo("{\"profileTypes\":[\"cpu\",\"heap\"]}");
    }

    @Test
    void leavesUnsetFieldsOutAndFallsBackToDefaults() throws Exception {
        ProfilingConfigSpec spec = MAPPER.readValue("{\"s3Config\": {\"bucket\": \"b\"}}", ProfilingConfigSpec.class);

        assertThat(MAPPER.writeValueAsString(spec)).isEqualTo("{\"s3Config\":{\"bucket\":\"b\"}}");
        assertThat(spec.profileTypesOrDefault())
                .containsExactly(ProfileType.HEAP, ProfileType.CPU, ProfileType.GOROUTINE, ProfileType.MUTEX);
        assertThat(spec.cpuProfileSecondsOrDefault()).isEqualTo(10);
        assertThat(spec.thresholdsOrDefault().cooldownOrDefault()).isEqualTo(300);
        assertThat(spec.onDemandOrDefault().intervalOrDefault()).isEqualTo(35);
        assertThat(spec.onDemandOrDefault().enabledOrDefault()).isFalse();
        assertThat(spec.getS3Config().prefixOrDefault()).isEqualTo("profiles");
    }

    @Test
    void rejectsUnknownProfileType() {
        String json = "{\"s3Config\": {\"bucket\": \"b\"}, \"profileTypes\": [\"heap\", \"cpux\"]}";

        assertThatThrownBy(() -> MAPPER.readValue(json, ProfilingConfigSpec.class))
                .isInstanceOf(JsonMappingException.class)
                .hasMessageContaining("unknown profile type 'cpux'");
    }
}
