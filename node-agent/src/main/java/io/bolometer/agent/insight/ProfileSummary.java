package io.bolometer.agent.insight;

import io.bolometer.model.ProfileType;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one profile says in a few lines: its main sample type, the total of that type, and the functions holding the
 * largest flat or cumulative shares of it, sorted by flat share.
 *
 * @param type the profile kind
 * @param sampleType the sample type the shares are of, as {@code go tool pprof -sample_index} names it
 *                   ({@code cpu}, {@code inuse_space}, {@code alloc_space}, {@code goroutine}, {@code delay}…)
 * @param total the sum of that sample type over all samples, in its unit (nanoseconds, bytes, count)
 * @param top the top functions by flat share and by cumulative share (the union of both), by flat share, then
 *            cumulative share, then callers before their callees
 */
public record ProfileSummary(ProfileType type, String sampleType, long total, List<TopEntry> top) {

    public ProfileSummary {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sampleType, "sampleType");
        top = List.copyOf(top);
    }

    /**
     * One function's share of the total, in percent rounded to two decimals as {@code go tool pprof -top} shows it.
     *
     * @param flatPercent the share of samples where this function is the innermost frame (inlined frames count)
     * @param cumPercent the share of samples where this function is anywhere on the stack (once per sample)
     */
    public record TopEntry(String function, double flatPercent, double cumPercent) {
        public TopEntry {
            Objects.requireNonNull(function, "function");
        }
    }

    /** The function with the largest flat share, if the profile has any samples. */
    public Optional<TopEntry> topFlat() {
        return top.stream().findFirst();
    }

    /**
     * The function with the largest cumulative share; of a caller and the callee it spends all its time in (equal
     * shares), the caller, as it has less flat time or comes first: for a busy goroutine, its entry function.
     */
    public Optional<TopEntry> topCumulative() {
        TopEntry best = null;
        for (TopEntry entry : top) {
            if (best == null || entry.cumPercent() > best.cumPercent()
                    || (entry.cumPercent() == best.cumPercent() && entry.flatPercent() < best.flatPercent())) {
                best = entry;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The entry for {@code function}, if it is among the kept ones. */
    public Optional<TopEntry> entry(String function) {
        return top.stream().filter(e -> e.function().equals(function)).findFirst();
    }
}
