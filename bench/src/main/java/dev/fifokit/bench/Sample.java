package dev.fifokit.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run's numbers, by key ({@code bytes_per_s}, {@code median_ns}, {@code ms}, ...). Peers
 * report them as one line {@code result key=value key=value}.
 */
public record Sample(Map<String, Double> values) {

    public static Sample of(String key, double value) {
        return new Sample(Map.of(key, value));
    }

    /** Parses a {@code result k=v ...} line; null when {@code line} is not one. */
    public static Sample parse(String line) {
        String t = line.strip();
        if (!t.startsWith("result ")) {
            return null;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (String word : t.substring(7).trim().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                try {
                    m.put(word.substring(0, eq), Double.parseDouble(word.substring(eq + 1)));
                } catch (NumberFormatException ignored) {
                    // a non-numeric field is informational only
                }
            }
        }
        return new Sample(m);
    }

    public double get(String key) {
        Double v = values.get(key);
        return v == null ? Double.NaN : v;
    }
}
