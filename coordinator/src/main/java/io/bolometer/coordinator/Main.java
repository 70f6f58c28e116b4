package io.bolometer.coordinator;

/** Entry point of {@code bolometer-coordinator.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("The coordinator is being built; nothing to run yet.");
        System.exit(2);
    }
}
