package io.bolometer.coordinator.planning;

import static io.bolometer.coordinator.planning.Fixtures.config;
import static io.bolometer.coordinator.planning.Fixtures.withExpressions;
import static io.bolometer.coordinator.planning.Fixtures.withOnDemand;
import static io.bolometer.coordinator.planning.Fixtures.withThresholds;
import static io.bolometer.coordinator.planning.Fixtures.withTypes;
import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.LabelSelectorRequirement;
import io.bolometer.model.v1alpha1.LabelSelectorRequirement.Operator;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {
    private final SpecValidator validator = new SpecValidator(
            new PlannerSettings("bolometer-system", List.of("http://minio.storage:9000"), List.of()));

    private static ProfilingConfig valid() {
        return config("shop", "checkout", Map.of("app", "checkout"));
    }

    @Test
    void acceptsTheDefaults() {
        assertThat(validator.validate(valid())).isEqualTo(Validation.VALID);
    }

    @Test
    void rejectsCpuProfileSecondsNotShorterThanTheCheckInterval() {
        ProfilingConfig config = withThresholds(valid(), null, null, 10, null);
        config.getSpec().setCpuProfileSeconds(30);

        Validation validation = validator.validate(config);

        assertThat(validation.valid()).isFalse();
        assertThat(validation.reason()).isEqualTo("InvalidSpec");
        assertThat(validation.message()).isEqualTo("cpuProfileSeconds (30) must be shorter than checkIntervalSeconds (10)");
    }

    @Test
    void rejectsCpuProfileSecondsNotShorterThanThePeriodicInterval() {
        ProfilingConfig config = withOnDemand(valid(), true, 20);
        config.getSpec().setCpuProfileSeconds(25);

        assertThat(validator.validate(config).messages())
                .contains("cpuProfileSeconds (25) must be shorter than onDemand.intervalSeconds (20)");
    }

    @Test
    void allowsALongCpuProfileWhenCpuIsNotCaptured() {
        ProfilingConfig config = withTypes(withThresholds(valid(), null, null, 10, null), ProfileType.HEAP);
        config.getSpec().setCpuProfileSeconds(30);

        assertThat(validator.validate(config).valid()).isTrue();
    }

    @Test
    void repeatsTheSchemaRangesNamingEachField() {
        ProfilingConfig config = withThresholds(valid(), 5000, 0, 4, -1);
        config.getSpec().setCpuProfileSeconds(61);

        assertThat(validator.validate(config).messages()).contains(
                "spec.thresholds.cpuThresholdPercent (5000) must be between 1 and 1000",
                "spec.thresholds.memoryThresholdPercent (0) must be between 1 and 100",
                "spec.thresholds.checkIntervalSeconds (4) must be between 5 and 3600",
                "spec.thresholds.cooldownSeconds (-1) must be between 0 and 86400",
                "spec.cpuProfileSeconds (61) must be between 1 and 60");
    }

    @Test
    void rejectsMissingAndMalformedBuckets() {
        ProfilingConfig missing = valid();
        missing.getSpec().getS3Config().setBucket(null);
        ProfilingConfig upper = valid();
        upper.getSpec().getS3Config().setBucket("My_Bucket");

        assertThat(validator.validate(missing).messages()).containsExactly("spec.s3Config.bucket is required");
        assertThat(validator.validate(upper).messages().get(0)).startsWith("spec.s3Config.bucket \"My_Bucket\" is not a valid S3 bucket name");
    }

    @Test
    void rejectsDuplicateProfileTypes() {
        assertThat(validator.validate(withTypes(valid(), ProfileType.HEAP, ProfileType.HEAP)).messages())
                .containsExactly("spec.profileTypes lists heap twice");
    }

    @Test
    void rejectsInvalidSelectors() {
        ProfilingConfig config = withExpressions(config("shop", "cfg", Map.of("bad key!", "v")),
                new LabelSelectorRequirement("tier", Operator.In, List.of()),
                new LabelSelectorRequirement("team", Operator.Exists, List.of("x")));

        assertThat(validator.validate(config).messages()).containsExactly(
                "spec.selector.labelSelector key \"bad key!\" is not a valid label key",
                "spec.selector.matchExpressions[0].values must not be empty for operator In",
                "spec.selector.matchExpressions[1].values must be empty for operator Exists");
    }

    @Test
    void refusesAConfigSelectingAnotherNamespaceFromOutsideTheCoordinatorNamespace() {
        ProfilingConfig config = valid();
        config.getSpec().getSelector().setNamespace("billing");

        Validation validation = validator.validate(config);

        assertThat(validation.reason()).isEqualTo("NamespaceNotAllowed");
        assertThat(validation.message()).contains("spec.selector.namespace \"billing\"");
    }

    @Test
    void letsTheCoordinatorNamespaceSelectAnyNamespaceAndSetAnyEndpoint() {
        ProfilingConfig config = config("bolometer-system", "global", Map.of("lang", "go"));
        config.getSpec().getSelector().setNamespace("billing");
        config.getSpec().getS3Config().setEndpoint("http://10.9.9.9:9000");

        assertThat(validator.validate(config).valid()).isTrue();
    }

    @Test
    void rejectsAnEndpointNotInTheAllowList() {
        ProfilingConfig config = valid();
        config.getSpec().getS3Config().setEndpoint("http://169.254.169.254");
        ProfilingConfig allowed = valid();
        allowed.getSpec().getS3Config().setEndpoint("http://minio.storage:9000");

        assertThat(validator.validate(config).reason()).isEqualTo("EndpointNotAllowed");
        assertThat(validator.validate(allowed).valid()).isTrue();
    }

    @Test
    void rejectsEndpointsWithCredentialsOrOtherSchemes() {
        ProfilingConfig userinfo = config("bolometer-system", "g", Map.of());
        userinfo.getSpec().getS3Config().setEndpoint("http://key:secret@minio:9000");
        ProfilingConfig file = config("bolometer-system", "g", Map.of());
        file.getSpec().getS3Config().setEndpoint("file:///etc/passwd");

        assertThat(validator.validate(userinfo).messages()).containsExactly("spec.s3Config.endpoint must not carry credentials");
        assertThat(validator.validate(file).messages().get(0)).contains("must be an http or https URL");
    }

    @Test
    void rejectsABucketNotInTheAllowListOutsideTheCoordinatorNamespace() {
        SpecValidator strict = new SpecValidator(new PlannerSettings("bolometer-system", List.of(), List.of("team-a")));

        assertThat(strict.validate(valid()).reason()).isEqualTo("BucketNotAllowed");
    }
}
