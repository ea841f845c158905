package dev.fifokit;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as people write them: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, compound
 * ones such as {@code 2m30s} or {@code 1h15m}, and the same form back for messages.
 */
public final class Durations {
    private Durations() {}

    /** The units, largest first: a compound duration names them in this order. */
    private static final String[] UNITS = {"h", "m", "s", "ms"};
    private static final double[] UNIT_MILLIS = {3_600_000, 60_000, 1_000, 1};

    /**
     * Parses {@code <number><unit>}, or several of them with units from the largest down
     * ({@code 2m30s}, {@code 1h5m}, {@code 1s500ms}); a unit is {@code ms}, {@code s}, {@code m}
     * or {@code h}, a number may have a fraction ({@code 1.5s}), and a bare number alone means
     * seconds.
     *
     * @param text the duration, e.g. {@code 500ms}, {@code 5s}, {@code 2m}, {@code 2m30s}
     * @return the duration
     * @throws IllegalArgumentException with the offending text when it is not such a duration
     */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        double millis = 0;
        int nextUnit = 0; // units still allowed: UNITS[nextUnit..]
        int i = 0;
        while (i < t.length()) {
            int start = i;
            while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
                i++;
            }
            double amount;
            try {
                amount = Double.parseDouble(t.substring(start, i));
            } catch (NumberFormatException e) {
                throw notADuration(text);
            }
            int unitStart = i;
            while (i < t.length() && Character.isLetter(t.charAt(i))) {
                i++;
            }
            String unit = t.substring(unitStart, i);
            if (unit.isEmpty()) {
                if (start != 0 || i != t.length()) {
                    throw notADuration(text); // a bare number is seconds only when it is all there is
                }
                unit = "s";
            }
            int u = nextUnit;
            while (u < UNITS.length && !UNITS[u].equals(unit)) {
                u++;
            }
            if (u == UNITS.length) {
                throw notADuration(text); // not a unit, or not smaller than the one before it
            }
            millis += amount * UNIT_MILLIS[u];
            nextUnit = u + 1;
        }
        if (nextUnit == 0) {
            throw notADuration(text);
        }
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 500ms, 5s, 2m, 2m30s)");
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
