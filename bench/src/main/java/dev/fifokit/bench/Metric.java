package dev.fifokit.bench;

/**
 * One number a workload reports, and what counts as good.
 *
 * @param key            the sample key ({@code bytes_per_s}, {@code p99_ns}, ...)
 * @param unit           how the report prints it (GB/s, M msg/s, µs, ms, MiB, threads)
 * @param scale          multiplies the raw value into {@code unit}
 * @param higherIsBetter throughput (true) or latency, time, memory (false)
 * @param target         with baselines: the Java/baseline ratio to meet (≥ when higher is
 *                       better, ≤ otherwise); without baselines: the absolute limit in
 *                       {@code unit}; NaN when there is no target
 */
public record Metric(String key, String unit, double scale, boolean higherIsBetter, double target) {

    public static Metric throughput(double target) {
        return new Metric("bytes_per_s", "GB/s", 1e-9, true, target);
    }

    public static Metric messages(double target) {
        return new Metric("msgs_per_s", "M msg/s", 1e-6, true, target);
    }

    public static Metric latency(String key, double target) {
        return new Metric(key, "µs", 1e-3, false, target);
    }

    public static Metric millis(double target) {
        return new Metric("ms", "ms", 1, false, target);
    }

    /** True when {@code value} (a ratio, or an absolute value in {@code unit}) meets the target. */
    public boolean met(double value) {
        if (Double.isNaN(target) || Double.isNaN(value)) {
            return false;
        }
        return higherIsBetter ? value >= target : value <= target;
    }

    /** The target as text: "≥ 0.95", "≤ 1.25", "≤ 512 MiB", or "" when there is none. */
    public String targetText(boolean ratio) {
        if (Double.isNaN(target)) {
            return "";
        }
        String t = (higherIsBetter ? "≥ " : "≤ ") + Report.number(target);
        return ratio ? t + "×" : t + " " + unit;
    }
}
