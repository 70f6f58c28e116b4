package io.bolometer.agent.trigger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Projects a pod's working set a check interval ahead from the least-squares slope of its last few readings, so
 * that a pod leaking towards its memory limit is profiled before the kernel kills it. Not thread-safe: one owner.
 */
public final class MemoryProjection {

    /** The share of the memory limit that, projected for the next check, triggers a heap capture now. */
    public static final double PROJECTED_PERCENT = 98;
    /** Readings the slope is fitted over: enough to smooth a GC's dip, few enough to follow a new leak. */
    static final int WINDOW = 5;
    /** Readings needed before anything is projected: two make a line through any noise. */
    static final int MIN_READINGS = 3;

    private record Reading(Instant time, long bytes) {
    }

    private final Deque<Reading> readings = new ArrayDeque<>(WINDOW + 1);

    /** Adds a reading; one with the same time as the last (the kubelet's same sample again) or unknown is ignored. */
    public void add(Instant time, long workingSetBytes) {
        if (workingSetBytes < 0 || (!readings.isEmpty() && !time.isAfter(readings.peekLast().time()))) {
            return;
        }
        readings.addLast(new Reading(time, workingSetBytes));
        if (readings.size() > WINDOW) {
            readings.removeFirst();
        }
    }

    /** Forgets every reading (e.g. after the pod's limit changed). */
    public void clear() {
        readings.clear();
    }

    /**
     * The working set expected {@code ahead} of the last reading if it keeps growing as it did over the last
     * readings; NaN with fewer than {@link #MIN_READINGS} readings or when it is not growing.
     */
    public double projectedBytes(Duration ahead) {
        int n = readings.size();
        if (n < MIN_READINGS) {
            return Double.NaN;
        }
        Instant origin = readings.peekFirst().time();
        double sumX = 0;
        double sumY = 0;
        double sumXX = 0;
        double sumXY = 0;
        for (Reading r : readings) {
            double x = Duration.between(origin, r.time()).toMillis() / 1000.0;
            double y = r.bytes();
            sumX += x;
            sumY += y;
            sumXX += x * x;
            sumXY += x * y;
        }
        double denominator = n * sumXX - sumX * sumX;
        if (denominator <= 0) {
            return Double.NaN;
        }
        double bytesPerSecond = (n * sumXY - sumX * sumY) / denominator;
        if (bytesPerSecond <= 0) {
            return Double.NaN;
        }
        return readings.peekLast().bytes() + bytesPerSecond * (ahead.toMillis() / 1000.0);
    }
}
