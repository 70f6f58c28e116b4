package io.bolometer.agent.insight;

/**
 * A function whose cumulative share of the profile grew since the baseline, in percent of each profile's total.
 *
 * @param fromPercent its share in the baseline; 0 when the baseline did not list it
 * @param toPercent its share now
 */
public record Growth(String function, double fromPercent, double toPercent) {

    /** How much the share grew, in percentage points. */
    public double points() {
        return Math.round((toPercent - fromPercent) * 100) / 100.0;
    }
}
