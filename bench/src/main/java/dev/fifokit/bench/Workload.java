package dev.fifokit.bench;

import java.util.List;

/**
 * One row group of the report: a scenario, the numbers it reports, and who runs it. A workload
 * with no contenders is listed as pending with its note (the server workload until
 * {@code dev.fifokit.server} exists).
 *
 * @param id          stable short id, used by {@code --only}
 * @param title       what is measured, for people
 * @param metrics     the numbers; the first is the headline
 * @param contenders  subject first, then baselines; ratios are subject / each baseline
 * @param pinning     which of the suite's CPU placements it runs under
 * @param note        what the reader of the table should know (may be empty)
 * @param maxRounds   runs in at most this many rounds (0: every round); for slow workloads
 *                    with absolute targets, whose figures hardly vary
 */
public record Workload(String id, String title, List<Metric> metrics, List<Contender> contenders,
                       Pinning pinning, String note, int maxRounds) {

    public Workload(String id, String title, List<Metric> metrics, List<Contender> contenders,
                    Pinning pinning, String note) {
        this(id, title, metrics, contenders, pinning, note, 0);
    }

    public static Workload pending(String id, String title, String note) {
        return new Workload(id, title, List.of(), List.of(), Pinning.NONE, note);
    }

    public boolean isPending() {
        return contenders.isEmpty();
    }
}
