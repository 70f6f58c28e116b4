package io.bolometer.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, polling; the failure message says what was awaited and what was seen. */
public final class Await {
    private Await() {
    }

    /** The same wait, argument order of the upload tests: {@code await("what", timeout, condition)}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        until(timeout, what, condition);
    }

    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        until(timeout, what, condition, () -> "");
    }

    public static void until(Duration timeout, String what, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + stateSuffix(state));
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /** Waits until {@code probe} finds something, and returns it. */
    public static <T> T until(Duration timeout, String what, Supplier<Optional<T>> probe) {
        return until(timeout, what, probe, () -> "");
    }

    /** Waits until {@code probe} finds something, and returns it; on time-out the message shows {@code state}. */
    public static <T> T until(Duration timeout, String what, Supplier<Optional<T>> probe, Supplier<String> state) {
        AtomicReference<T> found = new AtomicReference<>();
        until(timeout, what, () -> probe.get().map(value -> {
            found.set(value);
            return true;
        }).orElse(false), state);
        return found.get();
    }

    private static String stateSuffix(Supplier<String> state) {
        String s = state.get();
        return s == null || s.isEmpty() ? "" : "; last state: " + s;
    }
}
