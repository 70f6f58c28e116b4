package io.bolometer.bench;

/**
 * One figure of the table: its key in {@code results.json}, what it means, and its limit.
 *
 * @param atMost true when the measured value must be at most {@code limit}, false when at least
 */
public record Goal(String key, String figure, String unit, double limit, boolean atMost) {

    /** The verdict for a measured value; null (not measured) gives "not measured". */
    public String verdict(Double measured) {
        if (measured == null || measured.isNaN()) {
            return "not measured";
        }
        boolean met = atMost ? measured <= limit : measured >= limit;
        if (met) {
            return "pass";
        }
        double off = limit == 0 ? measured : (atMost ? measured / limit : limit / measured);
        return limit == 0 ? "MISS (" + Stats.round(measured, 3) + " over 0)" : "MISS (x" + format(Stats.round(off, 2)) + ")";
    }

    public String describeLimit() {
        return (atMost ? "≤ " : "≥ ") + format(limit) + (unit.isEmpty() ? "" : " " + unit);
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "—";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e12) {
            return Long.toString((long) value);
        }
        return Double.toString(Stats.round(value, Math.abs(value) < 10 ? 3 : 1));
    }
}
