package io.bolometer.testing;

/** Tear-downs: close what a test started in order, passing over what it never got to start (null), or best effort. */
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

    /** Closes each one, best effort: a failure to close one is passed over and the rest are still closed. */
    public static void quietly(Iterable<? extends AutoCloseable> closeables) {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                // best effort: what is left open goes with the test's JVM or Vert.x instance
            }
        }
    }
}
