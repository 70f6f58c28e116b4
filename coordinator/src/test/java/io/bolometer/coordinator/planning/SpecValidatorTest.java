package io.bolometer.coordinator.planning;

import static io.bolometer.coordinator.planning.Configs.COORDINATOR_NAMESPACE;
import static io.bolometer.coordinator.planning.Configs.SETTINGS;
import static io.bolometer.model.v1alpha1.LabelSelectorRequirement.Operator.Exists;
import static io.bolometer.model.v1alpha1.LabelSelectorRequirement.Operator.In;
import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.S3Config;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecValidatorTest {
    private static final String MINIO = "http://minio.storage.svc:9000";
    private final SpecValidator validator = new SpecValidator(SETTINGS);

    private static S3Config bucket(String bucket) {
        return new S3Config(bucket, null, null, null, null);
    }

    private static S3Config endpoint(String endpoint) {
        return new S3Config("profiles-bucket", null, null, endpoint, true);
    }

    @Test
    void acceptsAConfigWithOnlyABucket() {
        assertThat(validator.validate(Configs.in("shop", "c").build())).isEqualTo(Validation.VALID);
    }

    @Test
    void acceptsAFullyWrittenConfig() {
        ProfilingConfig config = Configs.in("shop", "c").namespace("shop").labels("app.kubernetes.io/name", "checkout")
                .expression("tier", In, "prod", "canary").expression("team", Exists)
                .thresholds(1000, 100, 3600, 86400).onDemand(true, 35).cpuProfileSeconds(30)
                .profileTypes(ProfileType.values()).build();

        assertThat(validator.validate(config)).isEqualTo(Validation.VALID);
    }

    @Test
    void rejectsCpuProfileSecondsNotShorterThanCheckInterval() {
        Validation validation = validator.validate(Configs.in("shop", "c").thresholds(null, null, 10, null)
                .cpuProfileSeconds(30).build());

        assertThat(validation.valid()).isFalse();
        assertThat(validation.reason()).isEqualTo("InvalidSpec");
        assertThat(validation.message()).isEqualTo("cpuProfileSeconds (30) must be shorter than checkIntervalSeconds (10)");
        assertThat(validator.validate(Configs.in("shop", "c").thresholds(null, null, 10, null).cpuProfileSeconds(10)
                .build()).valid()).isFalse();
        assertThat(validator.validate(Configs.in("shop", "c").thresholds(null, null, 10, null).cpuProfileSeconds(9)
                .build()).valid()).isTrue();
    }

    @Test
    void neverRefusesASpecBecauseOfAnOmittedCpuProfileSeconds() {
        assertThat(validator.validate(Configs.in("shop", "c").thresholds(null, null, 5, null).build())).isEqualTo(Validation.VALID);
        assertThat(validator.validate(Configs.in("shop", "c").thresholds(null, null, 10, null).build())).isEqualTo(Validation.VALID);
        assertThat(validator.validate(Configs.in("shop", "c").thresholds(null, null, 60, null).onDemand(true, 10).build()))
                .isEqualTo(Validation.VALID);
    }

    @Test
    void rejectsCpuProfileSecondsNotShorterThanOnDemandIntervalOnlyWhenEnabled() {
        Configs config = Configs.in("shop", "c").thresholds(null, null, 60, null).cpuProfileSeconds(20);

        assertThat(validator.validate(config.onDemand(false, 15).build()).valid()).isTrue();
        assertThat(validator.validate(config.onDemand(true, 15).build()).messages())
                .containsExactly("cpuProfileSeconds (20) must be shorter than onDemand.intervalSeconds (15)");
    }

    @Test
    void repeatsTheSchemaRangesNamingTheField() {
        Validation validation = validator.validate(Configs.in("shop", "c").thresholds(5000, 0, 4, -1)
                .onDemand(true, 9).cpuProfileSeconds(61).build());

        assertThat(validation.reason()).isEqualTo("InvalidSpec");
        assertThat(validation.messages()).containsExactly(
                "spec.thresholds.cpuThresholdPercent (5000) must be between 1 and 1000",
                "spec.thresholds.memoryThresholdPercent (0) must be between 1 and 100",
                "spec.thresholds.checkIntervalSeconds (4) must be between 5 and 3600",
                "spec.thresholds.cooldownSeconds (-1) must be between 0 and 86400",
                "spec.onDemand.intervalSeconds (9) must be between 10 and 86400",
                "spec.cpuProfileSeconds (61) must be between 1 and 60");
    }

    @Test
    void rejectsMissingSpecS3ConfigAndBucket() {
        ProfilingConfig noSpec = Configs.in("shop", "c").build();
        noSpec.setSpec(null);

        assertThat(validator.validate(noSpec).messages()).containsExactly("spec is required");
        assertThat(validator.validate(Configs.in("shop", "c").s3(null).build()).messages())
                .containsExactly("spec.s3Config is required");
        assertThat(validator.validate(Configs.in("shop", "c").s3(bucket(" ")).build()).messages())
                .containsExactly("spec.s3Config.bucket is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "My-Bucket", "bucket_with_underscore", "-starts-with-hyphen", "ends-with-dot.",
            "two..dots", "192.168.1.1", "a-bucket-name-that-is-far-too-long-to-be-accepted-by-amazon-s3-xyz"})
    void rejectsBucketNamesS3Refuses(String name) {
        Validation validation = validator.validate(Configs.in("shop", "c").s3(bucket(name)).build());

        assertThat(validation.reason()).isEqualTo("InvalidSpec");
        assertThat(validation.message()).startsWith("spec.s3Config.bucket " + Echo.quote(name) + " is not a valid S3 bucket name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "my.profiles-2024", "a-bucket-name-that-is-exactly-sixty-three-characters-long-xyzzz"})
    void acceptsBucketNamesS3Allows(String name) {
        assertThat(validator.validate(Configs.in("shop", "c").s3(bucket(name)).build())).isEqualTo(Validation.VALID);
    }

    @Test
    void rejectsDuplicateProfileTypesOnce() {
        Validation validation = validator.validate(Configs.in("shop", "c")
                .profileTypes(ProfileType.CPU, ProfileType.HEAP, ProfileType.CPU, ProfileType.CPU).build());

        assertThat(validation.messages()).containsExactly("spec.profileTypes lists \"cpu\" more than once");
    }

    @Test
    void rejectsMalformedLabelSelector() {
        Validation validation = validator.validate(Configs.in("shop", "c").labels("bad key", "ok")
                .expression("tier", In).expression("team", Exists, "a").build());

        assertThat(validation.reason()).isEqualTo("InvalidSpec");
        assertThat(validation.messages()).containsExactly(
                "spec.selector.labelSelector key \"bad key\" is not a valid label key (an optional DNS subdomain prefix"
                        + " and '/', then at most 63 characters: letters, digits, '-', '_' or '.', starting and ending"
                        + " with a letter or digit)",
                "spec.selector.matchExpressions[0].values must not be empty for operator In",
                "spec.selector.matchExpressions[1].values must be empty for operator Exists");
    }

    @Test
    void rejectsAnotherNamespaceFromOutsideTheCoordinatorNamespace() {
        Validation validation = validator.validate(Configs.in("shop", "c").namespace("billing").build());

        assertThat(validation.reason()).isEqualTo("NamespaceNotAllowed");
        assertThat(validation.message()).isEqualTo("spec.selector.namespace \"billing\" is not allowed: a ProfilingConfig"
                + " outside bolometer-system may select only its own namespace (shop)");
        assertThat(validator.validate(Configs.in("shop", "c").namespace("shop").build())).isEqualTo(Validation.VALID);
    }

    @Test
    void allowsAnyNamespaceFromTheCoordinatorNamespace() {
        assertThat(validator.validate(Configs.in(COORDINATOR_NAMESPACE, "c").namespace("billing").build()))
                .isEqualTo(Validation.VALID);
        assertThat(validator.validate(Configs.in(COORDINATOR_NAMESPACE, "c").namespace("Not_A_Namespace").build())
                .messages()).containsExactly("spec.selector.namespace \"Not_A_Namespace\" is not a valid namespace name");
    }

    @Test
    void rejectsEndpointNotInAllowList() {
        Validation noneAllowed = validator.validate(Configs.in("shop", "c").s3(endpoint(MINIO)).build());
        SpecValidator withList = new SpecValidator(new PlannerSettings(COORDINATOR_NAMESPACE, List.of(MINIO), List.of()));

        assertThat(noneAllowed.reason()).isEqualTo("EndpointNotAllowed");
        assertThat(noneAllowed.message()).isEqualTo("spec.s3Config.endpoint \"" + MINIO + "\" is not allowed: a"
                + " ProfilingConfig outside bolometer-system may set only an endpoint listed in s3.allowedEndpoints"
                + " (none are)");
        assertThat(withList.validate(Configs.in("shop", "c").s3(endpoint("http://evil.example:9000")).build()).reason())
                .isEqualTo("EndpointNotAllowed");
        assertThat(withList.validate(Configs.in("shop", "c").s3(endpoint(MINIO + "/")).build())).isEqualTo(Validation.VALID);
        assertThat(validator.validate(Configs.in(COORDINATOR_NAMESPACE, "c").s3(endpoint(MINIO)).build()))
                .isEqualTo(Validation.VALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://minio:21", "minio.storage.svc:9000", "http://user:secret@minio:9000",
            "http://minio:9000/?token=x", "http:///no-host", "http://bad host"})
    void rejectsEndpointsThatAreNotPlainHttpUrlsEvenFromTheCoordinatorNamespace(String url) {
        Validation validation = validator.validate(Configs.in(COORDINATOR_NAMESPACE, "c").s3(endpoint(url)).build());

        assertThat(validation.reason()).isEqualTo("InvalidSpec");
        assertThat(validation.message()).startsWith("spec.s3Config.endpoint \"" + url + "\" ");
    }

    @Test
    void rejectsBucketNotInAllowListOutsideTheCoordinatorNamespace() {
        SpecValidator restricted = new SpecValidator(
                new PlannerSettings(COORDINATOR_NAMESPACE, List.of(), List.of("team-profiles", "shared-profiles")));

        Validation validation = restricted.validate(Configs.in("shop", "c").s3(bucket("other-bucket")).build());

        assertThat(validation.reason()).isEqualTo("BucketNotAllowed");
        assertThat(validation.message()).isEqualTo("spec.s3Config.bucket \"other-bucket\" is not allowed: a"
                + " ProfilingConfig outside bolometer-system may use only team-profiles, shared-profiles");
        assertThat(restricted.validate(Configs.in("shop", "c").s3(bucket("team-profiles")).build()))
                .isEqualTo(Validation.VALID);
        assertThat(restricted.validate(Configs.in(COORDINATOR_NAMESPACE, "c").s3(bucket("other-bucket")).build()))
                .isEqualTo(Validation.VALID);
        assertThat(validator.validate(Configs.in("shop", "c").s3(bucket("other-bucket")).build()))
                .isEqualTo(Validation.VALID);
    }

    @Test
    void listsEveryProblemAndGivesTheSecurityReason() {
        Validation validation = validator.validate(Configs.in("shop", "c").namespace("billing")
                .thresholds(5000, null, null, null).s3(new S3Config("profiles-bucket", null, null, MINIO, null))
                .build());

        assertThat(validation.reason()).isEqualTo("NamespaceNotAllowed");
        assertThat(validation.messages()).hasSize(3);
        assertThat(validation.message()).contains("spec.selector.namespace", "spec.thresholds.cpuThresholdPercent",
                "spec.s3Config.endpoint").contains("; ");
    }
}
