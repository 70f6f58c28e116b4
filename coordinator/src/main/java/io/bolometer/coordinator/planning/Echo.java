package io.bolometer.coordinator.planning;

/**
 * Quotes a user's value back in a condition, an Event or a log line: at most {@value #MAX_LENGTH} characters,
 * control characters escaped, so a 1 MB field can't inflate a status write and a newline can't forge a log line.
 */
public final class Echo {
    public static final int MAX_LENGTH = 64;

    private Echo() {
    }

    /** {@code "value"}, or {@code "first 64 characters…" (N characters)} when longer. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String quoted = "\"" + cut(value) + "\"";
        return value.length() > MAX_LENGTH ? quoted + " (" + value.length() + " characters)" : quoted;
    }

    /** The value without quotes: its first {@value #MAX_LENGTH} characters (then {@code …}), controls escaped. */
    public static String cut(String value) {
        return cut(value, MAX_LENGTH);
    }

    /** The value without quotes: its first {@code max} characters (then {@code …}), controls escaped. */
    public static String cut(String value, int max) {
        String shown = value.length() <= max ? value : value.substring(0, max);
        StringBuilder out = new StringBuilder(shown.length() + 8);
        shown.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return value.length() > max ? out.append('…').toString() : out.toString();
    }
}
