package io.bolometer.agent.insight;

import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Lists the functions whose cumulative share grew most between a baseline summary and the current one of the same
 * pod and profile type.
 *
 * <p>Cumulative, not flat: when a pod burns CPU the leaf is often a library routine (a hash, a copy) that was
 * already there; the function that started burning is the one whose whole subtree grew. A function that the
 * baseline did not keep counts as 0% there (it was below the baseline's kept entries), and growth under
 * {@link #MIN_POINTS} is left out as noise. Of functions that grew alike (a caller and the callee it spends all
 * its time in) the one with less flat time, then the one listed first (the caller), comes first.
 */
public final class SummaryDiff {

    /** How many grown functions a comparison lists by default. */
    public static final int DEFAULT_MAX_GREW = 5;
    /** Growth below this many percentage points is not reported. */
    public static final double MIN_POINTS = 0.5;

    private SummaryDiff() {
    }

    /** Compares {@code current} with {@code baseline} ({@code null}: there is none), listing up to 5 functions. */
    public static Comparison compare(Baseline baseline, ProfileSummary current) {
        return compare(baseline, current, DEFAULT_MAX_GREW);
    }

    /**
     * Compares {@code current} with {@code baseline}, listing up to {@code maxGrew} functions, largest growth
     * first.
     *
     * @throws IllegalArgumentException when the two summaries are of different profile or sample types
     */
    public static Comparison compare(Baseline baseline, ProfileSummary current, int maxGrew) {
        if (baseline == null) {
            return new Comparison.NoBaseline();
        }
        ProfileSummary before = baseline.summary();
        if (before.type() != current.type() || !before.sampleType().equals(current.sampleType())) {
            throw new IllegalArgumentException("Cannot compare a " + current.type() + "/" + current.sampleType()
                    + " summary with a " + before.type() + "/" + before.sampleType() + " baseline");
        }
        List<ProfileSummary.TopEntry> now = current.top();
        record Candidate(int position, double flatPercent, Growth growth) {
        }
        List<Growth> grew = IntStream.range(0, now.size())
                .mapToObj(i -> new Candidate(i, now.get(i).flatPercent(), new Growth(now.get(i).function(),
                        cumPercent(before, now.get(i).function()), now.get(i).cumPercent())))
                .filter(c -> c.growth().points() >= MIN_POINTS)
                .sorted(Comparator.comparingDouble((Candidate c) -> c.growth().points()).reversed()
                        .thenComparingDouble(Candidate::flatPercent)
                        .thenComparingInt(Candidate::position))
                .limit(maxGrew)
                .map(Candidate::growth)
                .toList();
        return new Comparison.AgainstBaseline(baseline.key(), baseline.time(), grew);
    }

    private static double cumPercent(ProfileSummary summary, String function) {
        return summary.entry(function).map(ProfileSummary.TopEntry::cumPercent).orElse(0.0);
    }
}
