package io.bolometer.coordinator.planning;

import io.bolometer.model.v1alpha1.RecentCapture;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides which {@code ProfileCaptured} Events to send: one per threshold or requested capture of a pod (its trigger
 * time, however many profile types it stored), from the recent captures the agents list, each once, bounded.
 *
 * <p>Bounds: only captures at most {@link #MAX_AGE} old (a coordinator that starts, or takes over, does not replay
 * what it finds in the statuses; within that window the Event's name, derived from pod and trigger time, makes a
 * repeat a harmless 409); at most {@link #PER_POD_LIMIT} Events per pod per {@link #WINDOW} and
 * {@link #GLOBAL_LIMIT} per {@link #WINDOW} in all, so a fleet running hot together can't flood the API server or
 * hold up a reconcile pass. Captures over a bound are dropped (counted), never queued. Pure: time is passed in.
 */
public final class CaptureEvents {
    public static final String REASON = "ProfileCaptured";
    public static final Duration MAX_AGE = Duration.ofMinutes(10);
    public static final Duration WINDOW = Duration.ofMinutes(10);
    public static final int PER_POD_LIMIT = 5;
    /**
     * How long a threshold capture's Event waits for the profile of the resource that crossed (cpu for CPU, heap for
     * memory): the types of one capture reach S3 one by one (cpu after its profiling seconds), and the Event should
     * lead with that profile; past this (a config that does not profile that type) it goes out without it.
     */
    public static final Duration WAIT_FOR_TRIGGER_PROFILE = Duration.ofMinutes(2);
    public static final int GLOBAL_LIMIT = 30;
    /** Longest Event message (the API server keeps more; kubectl shows this much well). */
    public static final int MAX_MESSAGE = 1024;
    private static final int MAX_NAME = 253;
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(ZoneOffset.UTC);

    /** One Event to create on a pod. */
    public record CaptureEvent(String namespace, String pod, String name, String message, Instant time) {
        String captureId() {
            return namespace + "/" + pod + "@" + time;
        }
    }

    /** What {@link #due} decided: Events to send now, and captures left out by a rate bound. */
    public record Decision(List<CaptureEvent> events, int dropped) {
    }

    /** Captures handled (sent, refused as already there, or dropped), with their time, pruned after MAX_AGE. */
    private final Map<String, Instant> handled = new HashMap<>();
    private final Map<String, Deque<Instant>> sentPerPod = new HashMap<>();
    private final Deque<Instant> sentGlobal = new ArrayDeque<>();

    /**
     * The Events due for these recent captures (any configs, any nodes): threshold and requested captures not
     * handled yet and at most {@link #MAX_AGE} old, grouped per pod and trigger time, oldest first, within the rate
     * bounds. Captures dropped by a bound count as handled.
     */
    public Decision due(Collection<RecentCapture> captures, Instant now) {
        handled.values().removeIf(time -> time.isBefore(now.minus(MAX_AGE).minus(WINDOW)));
        prune(sentGlobal, now);
        sentPerPod.values().forEach(times -> prune(times, now));
        sentPerPod.values().removeIf(Deque::isEmpty);
        Map<String, List<RecentCapture>> byCapture = new LinkedHashMap<>();
        for (RecentCapture entry : captures) {
            Optional<Instant> time = parse(entry.getTime());
            if (entry.getNamespace() == null || entry.getPod() == null || entry.getUri() == null || time.isEmpty()
                    || !("threshold-exceeded".equals(entry.getReason()) || "requested".equals(entry.getReason()))
                    || time.get().isBefore(now.minus(MAX_AGE))) {
                continue;
            }
            String id = entry.getNamespace() + "/" + entry.getPod() + "@" + time.get();
            if (!handled.containsKey(id)) {
                byCapture.computeIfAbsent(id, k -> new ArrayList<>()).add(entry);
            }
        }
        List<CaptureEvent> events = new ArrayList<>();
        int dropped = 0;
        List<List<RecentCapture>> oldestFirst = new ArrayList<>(byCapture.values());
        oldestFirst.sort(Comparator.comparing(group -> parse(group.get(0).getTime()).orElseThrow()));
        for (List<RecentCapture> group : oldestFirst) {
            if (waitsForTriggerProfile(group, now)) {
                continue; // not handled yet: due again at the next pass
            }
            CaptureEvent event = eventOf(group);
            handled.put(event.captureId(), event.time());
            Deque<Instant> pod = sentPerPod.computeIfAbsent(event.namespace() + "/" + event.pod(), p -> new ArrayDeque<>());
            if (sentGlobal.size() >= GLOBAL_LIMIT || pod.size() >= PER_POD_LIMIT) {
                dropped++;
                continue;
            }
            sentGlobal.addLast(now);
            pod.addLast(now);
            events.add(event);
        }
        return new Decision(events, dropped);
    }

    /** A send that failed (not a 409): the capture is due again at the next pass, if still recent. */
    public void failed(CaptureEvent event) {
        handled.remove(event.captureId());
    }

    /**
     * The Event of one capture: {@code cpu 93.4% of limit ≥ 80%: s3://…-cpu.pprof (+3 more) — top main.burnCPU
     * 66.3% (main.burnCPU +61.2 pts vs 12:03)}, leading with the profile of the resource that triggered (cpu for
     * CPU, heap for memory); a requested capture with cpu when that names a top function, else the first that does.
     */
    static CaptureEvent eventOf(List<RecentCapture> profiles) {
        RecentCapture lead = lead(profiles);
        Instant time = parse(lead.getTime()).orElseThrow();
        long others = profiles.stream().map(RecentCapture::getUri).distinct().count() - 1;
        StringBuilder message = new StringBuilder();
        message.append(lead.getEvidence() != null ? lead.getEvidence() : lead.getReason()).append(": ")
                .append(lead.getUri());
        if (others > 0) {
            message.append(" (+").append(others).append(" more)");
        }
        if (lead.getTop() != null) {
            message.append(" \u2014 top ").append(lead.getTop());
            if (lead.getGrew() != null) {
                message.append(" (").append(lead.getGrew()).append(')');
            }
        }
        String text = message.length() <= MAX_MESSAGE ? message.toString()
                : message.substring(0, MAX_MESSAGE - 1) + "\u2026";
        return new CaptureEvent(lead.getNamespace(), lead.getPod(), name(lead.getPod(), time), text, time);
    }

    /**
     * {@code <pod>.captured-<yyyyMMddHHmmss>}: the same capture always gets the same name, so a second coordinator
     * (after a restart or failover) gets 409 instead of a duplicate.
     */
    static String name(String pod, Instant time) {
        String suffix = ".captured-" + NAME_TIME.format(time);
        String stem = pod.length() > MAX_NAME - suffix.length() ? pod.substring(0, MAX_NAME - suffix.length()) : pod;
        return stem.replaceAll("[.-]+$", "") + suffix;
    }

    private static boolean waitsForTriggerProfile(List<RecentCapture> group, Instant now) {
        Optional<String> evidence = group.stream().map(RecentCapture::getEvidence).filter(e -> e != null).findFirst();
        if (evidence.isEmpty()) {
            return false;
        }
        String wanted = evidence.get().startsWith("memory") ? "heap" : "cpu";
        Instant time = parse(group.get(0).getTime()).orElseThrow();
        return group.stream().noneMatch(p -> wanted.equals(p.getType()))
                && now.isBefore(time.plus(WAIT_FOR_TRIGGER_PROFILE));
    }

    private static RecentCapture lead(List<RecentCapture> profiles) {
        String evidence = profiles.stream().map(RecentCapture::getEvidence).filter(e -> e != null).findFirst()
                .orElse("");
        String wanted = evidence.startsWith("memory") ? "heap" : "cpu";
        Optional<RecentCapture> preferred = profiles.stream().filter(p -> wanted.equals(p.getType())).findFirst();
        if (!evidence.isEmpty()) {
            // A threshold capture leads with the profile of the resource that crossed, top function or not.
            return preferred.or(() -> profiles.stream().filter(p -> p.getEvidence() != null).findFirst())
                    .orElse(profiles.get(0));
        }
        // A requested one with cpu when it names a top function; an idle pod's cpu profile may have no samples,
        // and then the first profile that names one says more.
        return preferred.filter(p -> p.getTop() != null)
                .or(() -> profiles.stream().filter(p -> p.getTop() != null).findFirst())
                .or(() -> preferred)
                .orElse(profiles.get(0));
    }

    private static void prune(Deque<Instant> times, Instant now) {
        while (!times.isEmpty() && !times.peekFirst().isAfter(now.minus(WINDOW))) {
            times.removeFirst();
        }
    }

    private static Optional<Instant> parse(String time) {
        return StatusAggregator.parse(time);
    }
}
