package dev.fifokit.bench;

/**
 * One side of a comparison: the subject (fifokit, in Java) or a baseline (C, dd, pv, ...).
 *
 * @param name    short name shown in the report
 * @param subject true for the fifokit side; ratios are subject / baseline
 * @param runner  what one run does
 */
public record Contender(String name, boolean subject, Runner runner) {

    public static Contender java(Runner runner) {
        return new Contender("java", true, runner);
    }

    public static Contender c(Runner runner) {
        return new Contender("c", false, runner);
    }
}
