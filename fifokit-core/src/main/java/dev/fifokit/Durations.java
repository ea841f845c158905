package dev.fifokit;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as people write them: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, and
 * the same form back for messages.
 */
public final class Durations {
    private Durations() {}

    /**
     * Parses {@code <number><unit>} with unit {@code ms}, {@code s}, {@code m} or {@code h};
     * a bare number means seconds.
     *
     * @param text the duration, e.g. {@code 500ms}, {@code 5s}, {@code 2m}
     * @return the duration
     * @throws IllegalArgumentException with the offending text when it is not such a duration
     */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 500ms, 5s, 2m)");
        }
        double amount;
        try {
            amount = Double.parseDouble(t.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 500ms, 5s, 2m)");
        }
        double millis = switch (t.substring(i)) {
            case "ms" -> amount;
            case "", "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> throw new IllegalArgumentException(
                    "not a duration: '" + text + "' (use e.g. 500ms, 5s, 2m)");
        };
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /**
     * Formats a duration the way {@link #parse} reads it, e.g. {@code 1.5s} or {@code 250ms}.
     *
     * @param d the duration
     * @return its text
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms % 1000 == 0) {
            return (ms / 1000) + "s";
        }
        return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
}
