package io.bolometer.coordinator.planning;

import static io.bolometer.model.v1alpha1.LabelSelectorRequirement.Operator.DoesNotExist;
import static io.bolometer.model.v1alpha1.LabelSelectorRequirement.Operator.Exists;
import static io.bolometer.model.v1alpha1.LabelSelectorRequirement.Operator.In;
import static io.bolometer.model.v1alpha1.LabelSelectorRequirement.Operator.NotIn;
import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.model.ProfileType;
import io.bolometer.model.v1alpha1.LabelSelectorRequirement;
import io.bolometer.model.v1alpha1.ProfilingConfig;
import io.bolometer.model.v1alpha1.S3Config;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@link SpecValidator} rule, one bad spec each, with the exact reason and message the user sees on the
 * config's {@code Valid=False} condition and its Warning Event (see {@code controller.SpecBadInputKubeTest}). The
 * CRD schema refuses most of these earlier on a real API server (HTTP 422, {@code CrdKubeApiIT}); the validator
 * repeats them for servers that skipped the schema and owns the rules a schema can't say.
 */
class SpecBadInputTest {
    private static final String OUTSIDE = "a ProfilingConfig outside bolometer-system";
    private static final PlannerSettings LISTS = new PlannerSettings("bolometer-system",
            List.of("http://minio.storage.svc:9000"), List.of("team-profiles"));

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                bad("no spec", () -> {
                    ProfilingConfig config = Configs.in("shop", "c").build();
                    config.setSpec(null);
                    return config;
                }, "InvalidSpec", "spec is required"),
                bad("namespace not a name", () -> Configs.in("shop", "c").namespace("Shop_1").build(),
                        "InvalidSpec", "spec.selector.namespace \"Shop_1\" is not a valid namespace name"),
                bad("another namespace from outside the coordinator's", () -> Configs.in("shop", "c").namespace("payments").build(),
                        "NamespaceNotAllowed", "spec.selector.namespace \"payments\" is not allowed: " + OUTSIDE
                                + " may select only its own namespace (shop)"),
                bad("label key", () -> Configs.in("shop", "c").labels("-app", "x").build(),
                        "InvalidSpec", "spec.selector.labelSelector key \"-app\" is not a valid label key (an optional DNS"
                                + " subdomain prefix and '/', then at most 63 characters: letters, digits, '-', '_' or '.',"
                                + " starting and ending with a letter or digit)"),
                bad("label key prefix", () -> Configs.in("shop", "c").labels("Example.COM/app", "x").build(),
                        "InvalidSpec", "spec.selector.labelSelector key \"Example.COM/app\" is not a valid label key (an"
                                + " optional DNS subdomain prefix and '/', then at most 63 characters: letters, digits, '-',"
                                + " '_' or '.', starting and ending with a letter or digit)"),
                bad("label value", () -> Configs.in("shop", "c").labels("app", "check out").build(),
                        "InvalidSpec", "spec.selector.labelSelector[app] value \"check out\" is not a valid label value"
                                + " (at most 63 characters: letters, digits, '-', '_' or '.', starting and ending with a"
                                + " letter or digit)"),
                bad("label value too long", () -> Configs.in("shop", "c").labels("app", "a".repeat(64)).build(),
                        "InvalidSpec", "spec.selector.labelSelector[app] value \"" + "a".repeat(64) + "\" is not a valid"
                                + " label value (at most 63 characters: letters, digits, '-', '_' or '.', starting and"
                                + " ending with a letter or digit)"),
                bad("expression without operator", () -> Configs.in("shop", "c").expression("tier", null, "prod").build(),
                        "InvalidSpec", "spec.selector.matchExpressions[0].operator is required (In, NotIn, Exists or"
                                + " DoesNotExist)"),
                bad("In without values", () -> Configs.in("shop", "c").expression("tier", In).build(),
                        "InvalidSpec", "spec.selector.matchExpressions[0].values must not be empty for operator In"),
                bad("NotIn without values", () -> Configs.in("shop", "c").expression("tier", NotIn).build(),
                        "InvalidSpec", "spec.selector.matchExpressions[0].values must not be empty for operator NotIn"),
                bad("Exists with values", () -> Configs.in("shop", "c").expression("tier", Exists, "prod").build(),
                        "InvalidSpec", "spec.selector.matchExpressions[0].values must be empty for operator Exists"),
                bad("DoesNotExist with values", () -> Configs.in("shop", "c").expression("tier", DoesNotExist, "x").build(),
                        "InvalidSpec", "spec.selector.matchExpressions[0].values must be empty for operator DoesNotExist"),
                bad("expression without key", () -> Configs.in("shop", "c").expression("", Exists).build(),
                        "InvalidSpec", "spec.selector.matchExpressions[0].key must not be empty"),
                bad("expression value", () -> Configs.in("shop", "c").expression("tier", In, "prod", "a b").build(),
                        "InvalidSpec", "spec.selector.matchExpressions[0].values[1] value \"a b\" is not a valid label"
                                + " value (at most 63 characters: letters, digits, '-', '_' or '.', starting and ending"
                                + " with a letter or digit)"),
                bad("empty expression", () -> {
                    ProfilingConfig config = Configs.in("shop", "c").build();
                    config.getSpec().getSelector().setMatchExpressions(new ArrayList<>(Arrays.asList(
                            (LabelSelectorRequirement) null)));
                    return config;
                }, "InvalidSpec", "spec.selector.matchExpressions[0] is empty"),
                bad("cpu threshold 0", () -> Configs.in("shop", "c").thresholds(0, null, null, null).build(),
                        "InvalidSpec", "spec.thresholds.cpuThresholdPercent (0) must be between 1 and 1000"),
                bad("cpu threshold 1001", () -> Configs.in("shop", "c").thresholds(1001, null, null, null).build(),
                        "InvalidSpec", "spec.thresholds.cpuThresholdPercent (1001) must be between 1 and 1000"),
                bad("memory threshold 101", () -> Configs.in("shop", "c").thresholds(null, 101, null, null).build(),
                        "InvalidSpec", "spec.thresholds.memoryThresholdPercent (101) must be between 1 and 100"),
                bad("memory threshold -1", () -> Configs.in("shop", "c").thresholds(null, -1, null, null).build(),
                        "InvalidSpec", "spec.thresholds.memoryThresholdPercent (-1) must be between 1 and 100"),
                bad("check interval 4", () -> Configs.in("shop", "c").thresholds(null, null, 4, null).cpuProfileSeconds(3).build(),
                        "InvalidSpec", "spec.thresholds.checkIntervalSeconds (4) must be between 5 and 3600"),
                bad("check interval 3601", () -> Configs.in("shop", "c").thresholds(null, null, 3601, null).build(),
                        "InvalidSpec", "spec.thresholds.checkIntervalSeconds (3601) must be between 5 and 3600"),
                bad("cooldown -1", () -> Configs.in("shop", "c").thresholds(null, null, null, -1).build(),
                        "InvalidSpec", "spec.thresholds.cooldownSeconds (-1) must be between 0 and 86400"),
                bad("cooldown over a day", () -> Configs.in("shop", "c").thresholds(null, null, null, 86401).build(),
                        "InvalidSpec", "spec.thresholds.cooldownSeconds (86401) must be between 0 and 86400"),
                bad("periodic interval 9", () -> Configs.in("shop", "c").onDemand(true, 9).cpuProfileSeconds(5).build(),
                        "InvalidSpec", "spec.onDemand.intervalSeconds (9) must be between 10 and 86400"),
                bad("cpu profile 0 s", () -> Configs.in("shop", "c").cpuProfileSeconds(0).build(),
                        "InvalidSpec", "spec.cpuProfileSeconds (0) must be between 1 and 60"),
                bad("cpu profile 61 s", () -> Configs.in("shop", "c").thresholds(null, null, 120, null)
                        .cpuProfileSeconds(61).build(),
                        "InvalidSpec", "spec.cpuProfileSeconds (61) must be between 1 and 60"),
                bad("cpu profile not shorter than the check interval", () -> Configs.in("shop", "c")
                        .thresholds(null, null, 10, null).cpuProfileSeconds(10).build(),
                        "InvalidSpec", "cpuProfileSeconds (10) must be shorter than checkIntervalSeconds (10)"),
                bad("cpu profile not shorter than the periodic interval", () -> Configs.in("shop", "c")
                        .thresholds(null, null, 60, null).onDemand(true, 20).cpuProfileSeconds(30).build(),
                        "InvalidSpec", "cpuProfileSeconds (30) must be shorter than onDemand.intervalSeconds (20)"),
                bad("empty profile type", () -> {
                    ProfilingConfig config = Configs.in("shop", "c").build();
                    config.getSpec().setProfileTypes(new ArrayList<>(Arrays.asList(ProfileType.HEAP, null)));
                    return config;
                }, "InvalidSpec", "spec.profileTypes[1] is empty"),
                bad("profile type twice", () -> Configs.in("shop", "c").profileTypes(ProfileType.HEAP, ProfileType.CPU,
                        ProfileType.HEAP, ProfileType.HEAP).build(),
                        "InvalidSpec", "spec.profileTypes lists \"heap\" more than once"),
                bad("no s3Config", () -> Configs.in("shop", "c").s3(null).build(),
                        "InvalidSpec", "spec.s3Config is required"),
                bad("no bucket", () -> Configs.in("shop", "c").s3(new S3Config(" ", null, null, null, null)).build(),
                        "InvalidSpec", "spec.s3Config.bucket is required"),
                bad("bucket name", () -> Configs.in("shop", "c").s3(new S3Config("My_Bucket", null, null, null, null)).build(),
                        "InvalidSpec", "spec.s3Config.bucket \"My_Bucket\" is not a valid S3 bucket name (3-63 characters:"
                                + " lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)"),
                bad("bucket an IP address", () -> Configs.in("shop", "c").s3(new S3Config("192.168.1.1", null, null, null, null)).build(),
                        "InvalidSpec", "spec.s3Config.bucket \"192.168.1.1\" is not a valid S3 bucket name (3-63 characters:"
                                + " lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)"),
                bad("endpoint not http", () -> Configs.in("bolometer-system", "c").s3(endpoint("ftp://minio:21")).build(),
                        "InvalidSpec", "spec.s3Config.endpoint \"ftp://minio:21\" must be an http or https URL"),
                bad("endpoint not a URL", () -> Configs.in("bolometer-system", "c").s3(endpoint("http://min io")).build(),
                        "InvalidSpec", "spec.s3Config.endpoint \"http://min io\" is not a URL"),
                bad("endpoint with credentials", () -> Configs.in("bolometer-system", "c")
                        .s3(endpoint("http://AKIAEXAMPLE:secret@minio:9000")).build(),
                        "InvalidSpec", "spec.s3Config.endpoint \"http://AKIAEXAMPLE:secret@minio:9000\" must not contain"
                                + " credentials"),
                bad("endpoint without host", () -> Configs.in("bolometer-system", "c").s3(endpoint("http:///bucket")).build(),
                        "InvalidSpec", "spec.s3Config.endpoint \"http:///bucket\" must name a host"),
                bad("endpoint with query", () -> Configs.in("bolometer-system", "c")
                        .s3(endpoint("https://minio:9000/?redirect=evil")).build(),
                        "InvalidSpec", "spec.s3Config.endpoint \"https://minio:9000/?redirect=evil\" must not have a query"
                                + " or fragment"),
                bad("prefix over 256 characters", () -> Configs.in("shop", "c").s3(prefix("shop/" + "p".repeat(800_000))).build(),
                        "InvalidSpec", "spec.s3Config.prefix is longer than 256 characters (800005)"),
                bad("prefix with characters outside S3's safe set", () -> Configs.in("shop", "c").s3(prefix("shop/a b\n")).build(),
                        "InvalidSpec", "spec.s3Config.prefix \"shop/a b\\u000a\" may contain only letters, digits, '/' and"
                                + " !_.*'()-"),
                bad("prefix outside the tenant's namespace", () -> Configs.in("shop", "c").s3(prefix("profiles")).build(),
                        "PrefixNotAllowed", "spec.s3Config.prefix \"profiles\" is not allowed: " + OUTSIDE
                                + " must write under its namespace (use \"shop/profiles\")"),
                bad("prefix of another namespace", () -> Configs.in("shop", "c").s3(prefix("/payments//x/")).build(),
                        "PrefixNotAllowed", "spec.s3Config.prefix \"/payments//x/\" is not allowed: " + OUTSIDE
                                + " must write under its namespace (use \"shop/payments/x\")"),
                bad("prefix that only starts with the namespace's name", () -> Configs.in("shop", "c").s3(prefix("shop-eu/x")).build(),
                        "PrefixNotAllowed", "spec.s3Config.prefix \"shop-eu/x\" is not allowed: " + OUTSIDE
                                + " must write under its namespace (use \"shop/shop-eu/x\")"),
                bad("region not a region name", () -> Configs.in("shop", "c").s3(new S3Config("b-1", null, "US East 1", null, null)).build(),
                        "InvalidSpec", "spec.s3Config.region \"US East 1\" is not a region name (at most 32 lowercase"
                                + " letters, digits and single hyphens, e.g. us-east-1)"),
                bad("expected bucket owner not an account ID", () -> Configs.in("shop", "c").s3(new S3Config("b-1", "shop/p", null, null, null, "1234-5678")).build(),
                        "InvalidSpec", "spec.s3Config.expectedBucketOwner \"1234-5678\" is not an AWS account ID (12 digits)"),
                bad("region of a megabyte", () -> Configs.in("shop", "c").s3(new S3Config("b-1", null, "r".repeat(1 << 20), null, null)).build(),
                        "InvalidSpec", "spec.s3Config.region \"" + "r".repeat(64) + "…\" (1048576 characters) is not a region"
                                + " name (at most 32 lowercase letters, digits and single hyphens, e.g. us-east-1)"),
                bad("bucket of a megabyte, echoed cut", () -> Configs.in("shop", "c").s3(bucketOnly("b".repeat(1 << 20))).build(),
                        "InvalidSpec", "spec.s3Config.bucket \"" + "b".repeat(64) + "…\" (1048576 characters) is not a valid S3"
                                + " bucket name (3-63 characters: lowercase letters, digits, dots and hyphens, starting and"
                                + " ending with a letter or digit)"),
                bad("endpoint over 256 characters", () -> Configs.in("bolometer-system", "c")
                        .s3(endpoint("http://" + "e".repeat(300))).build(),
                        "InvalidSpec", "spec.s3Config.endpoint \"http://" + "e".repeat(57) + "…\" (307 characters) is longer"
                                + " than 256 characters"),
                bad("33 labels", () -> Configs.in("shop", "c").labels(manyLabels(33)).build(),
                        "InvalidSpec", "spec.selector.labelSelector has 33 labels, at most 32 are allowed"),
                bad("17 expressions", () -> {
                    Configs configs = Configs.in("shop", "c");
                    for (int i = 0; i < 17; i++) {
                        configs.expression("k" + i, Exists);
                    }
                    return configs.build();
                }, "InvalidSpec", "spec.selector.matchExpressions has 17 entries, at most 16 are allowed"),
                bad("65 values", () -> Configs.in("shop", "c").expression("tier", In, manyValues(65)).build(),
                        "InvalidSpec", "spec.selector.matchExpressions[0].values has 65 entries, at most 64 are allowed"),
                bad("a label key of 100 KB, echoed cut", () -> Configs.in("shop", "c").labels("k".repeat(100_000), "v").build(),
                        "InvalidSpec", "spec.selector.labelSelector key \"" + "k".repeat(64) + "…\" (100000 characters) is not"
                                + " a valid label key (an optional DNS subdomain prefix and '/', then at most 63 characters:"
                                + " letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"),
                bad("more than ten problems: ten are listed", () -> Configs.in("shop", "c")
                        .expression("tier", In, "a b", "c d", "e f", "g h", "i j", "k l", "m n", "o p", "q r", "s t", "u v", "w x")
                        .build(), "InvalidSpec", manyValueProblems()),
                bad("endpoint from outside with none allowed", () -> Configs.in("shop", "c")
                        .s3(endpoint("http://minio.storage.svc:9000")).build(),
                        "EndpointNotAllowed", "spec.s3Config.endpoint \"http://minio.storage.svc:9000\" is not allowed: "
                                + OUTSIDE + " may set only an endpoint listed in s3.allowedEndpoints (none are)"));
    }

    static Stream<Arguments> badSpecsUnderAllowLists() {
        return Stream.of(
                bad("bucket not in s3.allowedBuckets", () -> Configs.in("shop", "c").s3(bucketOnly("other-team")).build(),
                        "BucketNotAllowed", "spec.s3Config.bucket \"other-team\" is not allowed: " + OUTSIDE
                                + " may use only team-profiles"),
                bad("endpoint not in s3.allowedEndpoints", () -> Configs.in("shop", "c")
                        .s3(new S3Config("team-profiles", null, null, "http://attacker.example:9000", true)).build(),
                        "EndpointNotAllowed", "spec.s3Config.endpoint \"http://attacker.example:9000\" is not allowed: "
                                + OUTSIDE + " may set only an endpoint listed in s3.allowedEndpoints"),
                bad("namespace, endpoint and bucket at once: the namespace reason wins, every message is listed",
                        () -> Configs.in("shop", "c").namespace("payments")
                                .s3(new S3Config("other-team", null, null, "http://attacker.example", true)).build(),
                        "NamespaceNotAllowed", "spec.selector.namespace \"payments\" is not allowed: " + OUTSIDE
                                + " may select only its own namespace (shop); spec.s3Config.bucket \"other-team\" is not"
                                + " allowed: " + OUTSIDE + " may use only team-profiles; spec.s3Config.endpoint"
                                + " \"http://attacker.example\" is not allowed: " + OUTSIDE + " may set only an endpoint"
                                + " listed in s3.allowedEndpoints"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void refusesTheSpecWithItsReasonAndMessage(String name, Supplier<ProfilingConfig> config, String reason,
                                               String message) {
        Validation validation = new SpecValidator(Configs.SETTINGS).validate(config.get());

        assertThat(validation).isEqualTo(Validation.invalid(reason, List.of(message.split("; "))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecsUnderAllowLists")
    void refusesWhatTheAllowListsForbid(String name, Supplier<ProfilingConfig> config, String reason, String message) {
        Validation validation = new SpecValidator(LISTS).validate(config.get());

        assertThat(validation.valid()).isFalse();
        assertThat(validation.reason()).isEqualTo(reason);
        assertThat(validation.message()).isEqualTo(message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowedNearMisses")
    void acceptsWhatTheRulesAllow(String name, Supplier<ProfilingConfig> config) {
        assertThat(new SpecValidator(LISTS).validate(config.get())).isEqualTo(Validation.VALID);
    }

    static Stream<Arguments> allowedNearMisses() {
        return Stream.of(
                Arguments.of("a config in the coordinator's namespace selecting another namespace",
                        (Supplier<ProfilingConfig>) () -> Configs.in("bolometer-system", "c").namespace("payments")
                                .s3(new S3Config("any-bucket", null, null, "http://anything.example:9000", true)).build()),
                Arguments.of("a tenant prefix under the namespace, however its slashes are written",
                        (Supplier<ProfilingConfig>) () -> Configs.in("shop", "c").s3(new S3Config("team-profiles", "//shop//x/", "eu-central-1", null, null)).build()),
                Arguments.of("a tenant prefix that is exactly the namespace",
                        (Supplier<ProfilingConfig>) () -> Configs.in("shop", "c").s3(new S3Config("team-profiles", "shop", "auto", null, null)).build()),
                Arguments.of("a config selecting its own namespace with an allowed bucket and endpoint",
                        (Supplier<ProfilingConfig>) () -> Configs.in("shop", "c").namespace("shop")
                                .s3(new S3Config("team-profiles", null, null, "HTTP://MINIO.storage.svc:9000/", true)).build()));
    }

    private static Arguments bad(String name, Supplier<ProfilingConfig> config, String reason, String message) {
        return Arguments.of(name, config, reason, message);
    }

    private static S3Config endpoint(String endpoint) {
        return new S3Config("profiles-bucket", null, null, endpoint, true);
    }

    private static S3Config prefix(String prefix) {
        return new S3Config("profiles-bucket", prefix, null, null, null);
    }

    private static String[] manyLabels(int count) {
        String[] pairs = new String[2 * count];
        for (int i = 0; i < count; i++) {
            pairs[2 * i] = "k" + i;
            pairs[2 * i + 1] = "v";
        }
        return pairs;
    }

    private static String[] manyValues(int count) {
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            values[i] = "v" + i;
        }
        return values;
    }

    private static String manyValueProblems() {
        String[] values = {"a b", "c d", "e f", "g h", "i j", "k l", "m n", "o p", "q r", "s t"};
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            messages.add("spec.selector.matchExpressions[0].values[" + i + "] value \"" + values[i] + "\" is not a valid"
                    + " label value (at most 63 characters: letters, digits, '-', '_' or '.', starting and ending with a"
                    + " letter or digit)");
        }
        messages.add("and 2 more problems");
        return String.join("; ", messages);
    }

    private static S3Config bucketOnly(String bucket) {
        return new S3Config(bucket, null, null, null, null);
    }
}
