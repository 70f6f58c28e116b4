package io.bolometer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ProfileMetadataTest {
    private static final Instant NOON = Instant.parse("2024-01-15T12:00:00.250Z");
    /** 238 bytes of budget, counted by hand: the fixed fields of this descriptor with their x-amz-meta- names. */
    private static final int FIXED_FIELD_BYTES = 238;

    private static ProfileDescriptor descriptor(String node, Map<String, String> labels) {
        return new ProfileDescriptor("checkout-7d9f8c6b5-x2x4q", "shop", ProfileType.HEAP,
                CaptureReason.THRESHOLD_EXCEEDED, NOON, "checkout", node, labels);
    }

    private static ProfileDescriptor withLabels(Map<String, String> labels) {
        return descriptor("ip-10-0-1-5.ec2.internal", labels);
    }

    @Test
    void writesFixedFieldsFirstInContractOrder() {
        ObjectMetadata result = ProfileKeys.metadata(withLabels(Map.of()));

        assertThat(result.metadata()).containsExactly(
                entry("pod-name", "checkout-7d9f8c6b5-x2x4q"),
                entry("pod-namespace", "shop"),
                entry("profile-type", "heap"),
                entry("reason", "threshold-exceeded"),
                entry("timestamp", "2024-01-15T12:00:00Z"),
                entry("service", "checkout"),
                entry("node", "ip-10-0-1-5.ec2.internal"));
        assertThat(result.droppedLabels()).isEmpty();
    }

    @Test
    void omitsNodeWhenUnknown() {
        assertThat(ProfileKeys.metadata(descriptor(null, Map.of())).metadata()).doesNotContainKey("node").hasSize(6);
    }

    @Test
    void storesLabelsUnderLowercasedSanitizedNamesInOriginalKeyOrder() {
        Map<String, String> labels = Map.of("app.kubernetes.io/name", "checkout", "Team", "payments",
                "example.com/cost center", "42");

        Map<String, String> metadata = ProfileKeys.metadata(withLabels(labels)).metadata();

        // "Team" sorts before "app": labels are taken in the order of their original keys
        assertThat(metadata.keySet()).endsWith(
                "label-team", "label-app.kubernetes.io_name", "label-example.com_cost_center");
        assertThat(metadata).contains(entry("label-app.kubernetes.io_name", "checkout"),
                entry("label-example.com_cost_center", "42"), entry("label-team", "payments"));
    }

    @Test
    void encodesNonAsciiLabelValuesAsRfc2047() {
        Map<String, String> metadata = ProfileKeys.metadata(withLabels(Map.of("city", "東京", "menu", "café")))
                .metadata();

        assertThat(metadata).contains(entry("label-city", "=?UTF-8?B?5p2x5Lqs?="), entry("label-menu", "=?UTF-8?B?Y2Fmw6k=?="));
    }

    @Test
    void splitsLongNonAsciiValuesIntoEncodedWordsOfAtMostSeventyFiveCharacters() {
        String value = ProfileKeys.metadata(withLabels(Map.of("accents", "é".repeat(30)))).metadata().get("label-accents");

        assertThat(value).isEqualTo("=?UTF-8?B?w6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6k=?= "
                + "=?UTF-8?B?w6nDqcOpw6nDqcOpw6nDqQ==?=");
        assertThat(value.split(" ")).allSatisfy(word -> assertThat(word).hasSizeLessThanOrEqualTo(75));
    }

    @Test
    void encodesControlCharactersEdgeWhitespaceAndLookalikeEncodedWords() {
        Map<String, String> labels = Map.of("tab", "a\tb", "padded", " padded", "tricky", "=?x?=", "plain", "a b~!");

        Map<String, String> metadata = ProfileKeys.metadata(withLabels(labels)).metadata();

        assertThat(metadata).contains(entry("label-tab", "=?UTF-8?B?YQli?="),
                entry("label-padded", "=?UTF-8?B?IHBhZGRlZA==?="),
                entry("label-tricky", "=?UTF-8?B?PT94Pz0=?="),
                entry("label-plain", "a b~!"));
    }

    @Test
    void keepsEmptyLabelValues() {
        assertThat(ProfileKeys.metadata(withLabels(Map.of("canary", ""))).metadata()).contains(entry("label-canary", ""));
    }

    @Test
    void dropsLabelsWhoseSanitizedNameCollidesWithAnEarlierOne() {
        Map<String, String> labels = Map.of("App", "first", "app", "second", "a/b", "third", "a_b", "fourth");

        ObjectMetadata result = ProfileKeys.metadata(withLabels(labels));

        assertThat(result.metadata()).contains(entry("label-app", "first"), entry("label-a_b", "third"));
        assertThat(result.droppedLabels()).containsExactly("a_b", "app");
    }

    @Test
    void dropsLabelsBeyondTheTwoKilobyteBudget() {
        Map<String, String> labels = new TreeMap<>();
        IntStream.range(0, 40).forEach(i -> labels.put(String.format("k%02d", i), "v".repeat(63)));

        ObjectMetadata result = ProfileKeys.metadata(withLabels(labels));

        // each label costs 83 bytes ("x-amz-meta-label-k00" + 63); (2000 - 238) / 83 = 21 fit
        List<String> dropped = new ArrayList<>();
        IntStream.range(21, 40).forEach(i -> dropped.add(String.format("k%02d", i)));
        assertThat(result.droppedLabels()).isEqualTo(dropped);
        assertThat(result.metadata()).containsKey("label-k20").doesNotContainKey("label-k21");
    }

    @Test
    void countsTheHeaderPrefixAndTheValueAsSentAgainstTheBudget() {
        int room = ProfileKeys.METADATA_BUDGET_BYTES - FIXED_FIELD_BYTES - "x-amz-meta-label-fill".length();

        ObjectMetadata exact = ProfileKeys.metadata(withLabels(Map.of("fill", "x".repeat(room))));
        ObjectMetadata over = ProfileKeys.metadata(withLabels(Map.of("fill", "x".repeat(room + 1))));

        assertThat(room).isEqualTo(1741);
        assertThat(exact.metadata()).containsKey("label-fill");
        assertThat(exact.droppedLabels()).isEmpty();
        assertThat(over.metadata()).doesNotContainKey("label-fill");
        assertThat(over.droppedLabels()).containsExactly("fill");
    }

    @Test
    void keepsAddingSmallerLabelsAfterOneThatDoesNotFit() {
        Map<String, String> labels = Map.of("a-huge", "x".repeat(1900), "b-small", "yes");

        ObjectMetadata result = ProfileKeys.metadata(withLabels(labels));

        assertThat(result.metadata()).contains(entry("label-b-small", "yes")).doesNotContainKey("label-a-huge");
        assertThat(result.droppedLabels()).containsExactly("a-huge");
    }

    @Test
    void tagsTypeReasonNamespaceAndService() {
        ObjectMetadata result = ProfileKeys.metadata(withLabels(Map.of("app", "checkout")));

        assertThat(result.tags()).containsExactly(entry("profile-type", "heap"), entry("reason", "threshold-exceeded"),
                entry("pod-namespace", "shop"), entry("service", "checkout"));
    }

    @Test
    void replacesCharactersS3TagsDisallowAndCutsTagValuesAt256Characters() {
        ProfileDescriptor odd = new ProfileDescriptor("p", "shop", ProfileType.CPU, CaptureReason.REQUESTED, NOON,
                "team#1 (blue)+café:v2/x@y=z", null, Map.of());
        ProfileDescriptor long_ = new ProfileDescriptor("p", "shop", ProfileType.CPU, CaptureReason.ON_DEMAND, NOON,
                "é".repeat(300), null, Map.of());

        assertThat(ProfileKeys.metadata(odd).tags()).containsEntry("service", "team_1 _blue_+café:v2/x@y=z");
        assertThat(ProfileKeys.metadata(long_).tags().get("service")).isEqualTo("é".repeat(256));
        assertThat(ProfileKeys.metadata(long_).tags()).containsEntry("reason", "on-demand");
    }

    @Test
    void keepsExtraEntriesAfterTheFixedFieldsAndDropsLabelsFirstWhenOverBudget() {
        Map<String, String> extra = new java.util.LinkedHashMap<>();
        extra.put("trigger-resource", "cpu");
        extra.put("top-function", "f".repeat(300));
        extra.put("reason", "ignored");
        Map<String, String> labels = Map.of("a", "x".repeat(1500), "b", "y".repeat(100));

        ObjectMetadata result = ProfileKeys.metadata(withLabels(labels), extra);

        assertThat(result.metadata().keySet()).containsSubsequence("node", "trigger-resource", "top-function",
                "label-b");
        assertThat(result.metadata()).containsEntry("reason", "threshold-exceeded")
                .containsEntry("top-function", "f".repeat(300));
        assertThat(result.droppedLabels()).containsExactly("a");
        assertThat(ProfileKeys.metadata(withLabels(labels)).droppedLabels()).as("without the extra entries")
                .isEmpty();
    }

    @Test
    void returnsImmutableMetadata() {
        ObjectMetadata result = ProfileKeys.metadata(withLabels(Map.of("app", "checkout")));

        assertThatThrownBy(() -> result.metadata().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> result.droppedLabels().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void requiresTheFieldsEveryObjectCarries() {
        assertThatThrownBy(() -> new ProfileDescriptor("p", "ns", ProfileType.HEAP, CaptureReason.REQUESTED, NOON,
                null, null, null)).isInstanceOf(NullPointerException.class).hasMessage("service");
    }

    @Test
    void carriesIntoAssignmentsOnlyTheLabelsTheMetadataBudgetCouldHold() {
        Map<String, String> labels = new TreeMap<>();
        IntStream.range(0, 9000).forEach(i -> labels.put(String.format("k%04d", i), "v".repeat(20)));

        Map<String, String> kept = ProfileKeys.labelsWithinBudget(labels);

        // each costs "x-amz-meta-label-k0000" (22 bytes) + 20: 47 of them fit 2000 bytes
        assertThat(kept).hasSize(47).containsKey("k0046").doesNotContainKey("k0047");
        assertThat(ProfileKeys.metadata(withLabels(labels)).metadata().keySet())
                .as("what metadata keeps is a subset of what the assignment carries")
                .filteredOn(name -> name.startsWith("label-")).allMatch(name -> kept.containsKey(name.substring(6)));
    }

    @Test
    void skipsOneHugeLabelButKeepsTheSmallOnesAfterIt() {
        Map<String, String> kept = ProfileKeys.labelsWithinBudget(Map.of("a", "x".repeat(5000), "b", "small"));

        assertThat(kept).containsOnlyKeys("b");
    }
}
