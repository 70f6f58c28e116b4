package io.bolometer.coordinator.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.bolometer.coordinator.planning.CaptureEvents.CaptureEvent;
import io.bolometer.model.v1alpha1.RecentCapture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptureEventsTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:10:00Z");
    private static final String HOT = "cpu 93.4% of limit \u2265 80%";

    private final CaptureEvents events = new CaptureEvents();

    private static RecentCapture profile(String pod, String time, String type, String reason, String evidence) {
        String stamp = time.replaceAll("[-:TZ]", "");
        return new RecentCapture(time, "shop", pod, "node-a", type, reason,
                "s3://bucket/profiles/2026-11-25/checkout/" + stamp + "-" + pod + "-" + type + ".pprof", evidence,
                "cpu".equals(type) ? "main.burnCPU 66.3%" : "main.growHeap 40%",
                "cpu".equals(type) ? "main.burnCPU +61.2 pts vs 12:03" : "no baseline");
    }

    @Test
    void sendsOneEventPerCaptureLeadingWithTheProfileOfTheResourceThatTriggered() {
        List<RecentCapture> listed = List.of(profile("checkout-1", "2026-11-25T12:09:30Z", "heap",
                        "threshold-exceeded", HOT), profile("checkout-1", "2026-11-25T12:09:30Z", "cpu",
                        "threshold-exceeded", HOT), profile("checkout-1", "2026-11-25T12:09:30Z", "goroutine",
                        "threshold-exceeded", HOT));

        List<CaptureEvent> sent = events.due(listed, NOW).events();

        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).name()).isEqualTo("checkout-1.captured-20261125120930");
        assertThat(sent.get(0).message()).isEqualTo(HOT + ": s3://bucket/profiles/2026-11-25/checkout/"
                + "20261125120930-checkout-1-cpu.pprof (+2 more) \u2014 top main.burnCPU 66.3% "
                + "(main.burnCPU +61.2 pts vs 12:03)");
        assertThat(events.due(listed, NOW.plusSeconds(10)).events()).as("each capture once").isEmpty();
    }

    @Test
    void aMemoryCaptureLeadsWithItsHeapProfileAndARequestedOneSaysSo() {
        String memory = "memory-projected 99.1% of limit \u2265 98%";
        CaptureEvent heap = events.due(List.of(profile("cart-1", "2026-11-25T12:09:00Z", "cpu", "threshold-exceeded",
                memory), profile("cart-1", "2026-11-25T12:09:00Z", "heap", "threshold-exceeded", memory)), NOW)
                .events().get(0);
        CaptureEvent requested = events.due(List.of(profile("cart-1", "2026-11-25T12:09:40Z", "cpu", "requested",
                null)), NOW).events().get(0);

        assertThat(heap.message()).startsWith(memory + ": s3://").contains("-cart-1-heap.pprof (+1 more)")
                .contains("top main.growHeap 40% (no baseline)");
        assertThat(requested.message()).startsWith("requested: s3://").contains("-cart-1-cpu.pprof \u2014 top");
    }

    @Test
    void aRequestedCaptureOfAnIdlePodLeadsWithTheFirstProfileThatNamesATopFunction() {
        RecentCapture idleCpu = profile("idle-1", "2026-11-25T12:09:50Z", "cpu", "requested", null);
        idleCpu.setTop(null);
        idleCpu.setGrew(null);

        CaptureEvent event = events.due(List.of(idleCpu,
                profile("idle-1", "2026-11-25T12:09:50Z", "goroutine", "requested", null)), NOW).events().get(0);

        assertThat(event.message()).startsWith("requested: s3://").contains("-idle-1-goroutine.pprof (+1 more)")
                .contains("top main.growHeap 40%");
    }

    @Test
    void aThresholdCaptureLeadsWithTheCrossingResourcesProfileEvenWithoutATopFunction() {
        RecentCapture cpu = profile("hot-1", "2026-11-25T12:09:55Z", "cpu", "threshold-exceeded", HOT);
        cpu.setTop(null);
        cpu.setGrew(null);

        CaptureEvent event = events.due(List.of(profile("hot-1", "2026-11-25T12:09:55Z", "heap",
                "threshold-exceeded", HOT), cpu), NOW).events().get(0);

        assertThat(event.message()).isEqualTo(HOT + ": s3://bucket/profiles/2026-11-25/checkout/"
                + "20261125120955-hot-1-cpu.pprof (+1 more)");
    }

    @Test
    void aThresholdCapturesEventWaitsForTheCrossingResourcesProfileThenLeadsWithIt() {
        RecentCapture heap = profile("hot-2", "2026-11-25T12:09:50Z", "heap", "threshold-exceeded", HOT);

        assertThat(events.due(List.of(heap), NOW).events()).as("the cpu profile is still being taken").isEmpty();
        CaptureEvent event = events.due(List.of(heap, profile("hot-2", "2026-11-25T12:09:50Z", "cpu",
                "threshold-exceeded", HOT)), NOW.plusSeconds(12)).events().get(0);
        assertThat(event.message()).contains("-hot-2-cpu.pprof (+1 more)");
        assertThat(events.due(List.of(profile("hot-3", "2026-11-25T12:09:50Z", "heap", "threshold-exceeded", HOT)),
                NOW.plus(CaptureEvents.WAIT_FOR_TRIGGER_PROFILE)).events()).as("a config without cpu: sent later")
                .singleElement().satisfies(e -> assertThat(e.message()).contains("-hot-3-heap.pprof"));
    }

    @Test
    void periodicAndOldCapturesMakeNoEvent() {
        List<RecentCapture> listed = List.of(profile("checkout-1", "2026-11-25T12:09:30Z", "cpu", "on-demand", null),
                profile("checkout-1", "2026-11-25T11:59:59Z", "cpu", "threshold-exceeded", HOT));

        assertThat(events.due(listed, NOW).events()).isEmpty();
    }

    @Test
    void boundsEventsPerPodAndInAllWithinTheWindow() {
        List<RecentCapture> listed = new ArrayList<>();
        for (int second = 0; second < 8; second++) {
            listed.add(profile("checkout-1", "2026-11-25T12:09:0" + second + "Z", "cpu", "requested", null));
        }
        for (int pod = 0; pod < 40; pod++) {
            listed.add(profile("cart-" + pod, "2026-11-25T12:09:30Z", "cpu", "threshold-exceeded", HOT));
        }

        CaptureEvents.Decision decision = events.due(listed, NOW);

        assertThat(decision.events().stream().filter(e -> e.pod().equals("checkout-1")))
                .hasSize(CaptureEvents.PER_POD_LIMIT);
        assertThat(decision.events()).hasSize(CaptureEvents.GLOBAL_LIMIT);
        assertThat(decision.dropped()).isEqualTo(48 - CaptureEvents.GLOBAL_LIMIT);
        assertThat(events.due(List.of(profile("cart-99", "2026-11-25T12:10:30Z", "cpu", "requested", null)),
                NOW.plusSeconds(30)).events()).as("the global bound holds within the window").isEmpty();
        assertThat(events.due(List.of(profile("cart-98", "2026-11-25T12:19:30Z", "cpu", "requested", null)),
                NOW.plus(CaptureEvents.WINDOW).plusSeconds(1)).events()).as("and frees up after it").hasSize(1);
    }

    @Test
    void aFailedSendIsDueAgain() {
        List<RecentCapture> listed = List.of(profile("checkout-1", "2026-11-25T12:09:30Z", "cpu", "requested", null));
        CaptureEvent first = events.due(listed, NOW).events().get(0);

        events.failed(first);

        assertThat(events.due(listed, NOW.plus(Duration.ofSeconds(5))).events()).containsExactly(first);
    }

    @Test
    void theNameIsAValidObjectNameForTheLongestPodName() {
        String pod = "a".repeat(250) + ".b";
        String name = CaptureEvents.name(pod, NOW);

        assertThat(name).hasSizeLessThanOrEqualTo(253).endsWith(".captured-20261125121000")
                .matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
    }
}
