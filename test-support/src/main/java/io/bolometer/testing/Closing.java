package io.bolometer.testing;

/** A test's tear-down: closes what it started, in order, passing over what it never got to start (null). */
public final class Closing {
    private Closing() {
    }

    /** Closes each non-null one in the order given; the first failure propagates and the rest stay open. */
    public static void inOrder(AutoCloseable... closeables) throws Exception {
        for (AutoCloseable closeable : closeables) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }
}
