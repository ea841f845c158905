package dev.fifokit.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The suite's result: one row per workload, placement, metric and baseline, with the medians
 * over rounds, the ratio fifokit / baseline, the target and whether it is met, and the spread
 * ((max − min) / median of either side) that says how noisy the row was. Prints as a Markdown
 * table (for people and BENCHMARKS.md) or as JSON.
 *
 * <p>The ratio is paired: the median over rounds of each round's fifokit / baseline, the two
 * having run back to back. This machine's wake-up latency and bandwidth move between regimes
 * (ping-pong: ~80 or ~300 µs, for C as for Java) from one round to the next, and a ratio of
 * medians can then compare one side's fast regime with the other's slow one. The ratio of the
 * medians is reported beside it, and so is the number of rounds in which the target held
 * ("4/5": each round's own ratio, or value without a baseline, against the target), which says
 * whether a verdict is steady or one noisy round away from flipping.
 */
public final class Report {

    /**
     * One line of the table.
     *
     * @param subjectValue the fifokit side's median, in the metric's unit
     * @param baseline     the baseline's name, or null for an absolute target
     * @param ratio        the median of the rounds' subject / baseline, NaN without a baseline
     * @param ratioOfMedians subject median / baseline median, NaN without a baseline
     * @param met          whether the target is met; null when there is no target or no data
     * @param spread       the larger relative spread of the two sides, NaN with fewer than 2 rounds
     * @param held         rounds in which the target held (that round's ratio, or value without a baseline)
     * @param heldOf       rounds that gave a ratio (or value) to judge; 0 when there is no target
     */
    public record Row(Workload workload, String placement, Metric metric, double subjectValue, String baseline,
                      double baselineValue, double ratio, double ratioOfMedians, Boolean met, double spread,
                      int samples, int held, int heldOf) {

        /** "4/5", or "" when there is no target or no round to judge. */
        public String heldText() {
            return heldOf == 0 ? "" : held + "/" + heldOf;
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final Settings settings;
    private final List<Placement> placements;
    private final double elapsedSeconds;
    private final String loadBefore;
    private final String loadAfter;

    Report(List<Workload> workloads, List<Placement> placements, Settings settings, List<String> envNotes,
           Map<Suite.Key, List<Sample>> samples, Map<Suite.Key, String> failed, double elapsedSeconds,
           String loadBefore, String loadAfter) {
        this.settings = settings;
        this.placements = placements;
        this.elapsedSeconds = elapsedSeconds;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
        this.notes.addAll(envNotes);
        failed.forEach((k, v) -> failures.add(k.workload() + " " + k.placement() + " " + k.contender() + ": " + v));
        for (Workload w : workloads) {
            if (w.isPending()) {
                rows.add(new Row(w, "", null, Double.NaN, null, Double.NaN, Double.NaN, Double.NaN, null, Double.NaN, 0,
                        0, 0));
                continue;
            }
            for (Placement p : Suite.placementsFor(w, placements)) {
                addRows(w, p.name(), samples);
            }
        }
    }

    private void addRows(Workload w, String placement, Map<Suite.Key, List<Sample>> samples) {
        Contender subject = w.contenders().stream().filter(Contender::subject).findFirst().orElseThrow();
        List<Contender> baselines = w.contenders().stream().filter(c -> !c.subject()).toList();
        List<Sample> mine = samples.getOrDefault(new Suite.Key(w.id(), placement, subject.name()), List.of());
        for (Metric m : w.metrics()) {
            double[] sv = values(mine, m);
            double s = median(sv);
            if (baselines.isEmpty()) {
                Boolean met = Double.isNaN(m.target()) || Double.isNaN(s) ? null : m.met(s);
                rows.add(new Row(w, placement, m, s, null, Double.NaN, Double.NaN, Double.NaN, met, spread(sv), sv.length,
                        held(m, sv), Double.isNaN(m.target()) ? 0 : sv.length));
                continue;
            }
            for (Contender b : baselines) {
                List<Sample> theirs = samples.getOrDefault(new Suite.Key(w.id(), placement, b.name()), List.of());
                double[] bv = values(theirs, m);
                double base = median(bv);
                double[] ratios = roundRatios(mine, theirs, m);
                double ratio = median(ratios);
                Boolean met = Double.isNaN(m.target()) || Double.isNaN(ratio) ? null : m.met(ratio);
                rows.add(new Row(w, placement, m, s, b.name(), base, ratio, s / base, met,
                        Math.max(spread(sv), spread(bv)), Math.min(sv.length, bv.length),
                        held(m, ratios), Double.isNaN(m.target()) ? 0 : ratios.length));
            }
        }
    }

    public List<Row> rows() {
        return rows;
    }

    public List<String> failures() {
        return failures;
    }

    /** How many of {@code values} (one per round) meet the metric's target. */
    static int held(Metric m, double[] values) {
        int n = 0;
        for (double v : values) {
            if (m.met(v)) {
                n++;
            }
        }
        return n;
    }

    /** True when some series has no sample at all (a contender failed in every round). */
    public boolean incomplete() {
        return rows.stream().anyMatch(r -> r.metric() != null && r.samples() == 0);
    }

    /** The metric's values over the rounds that produced one (a failed round is a null sample). */
    private static double[] values(List<Sample> samples, Metric m) {
        return samples.stream().mapToDouble(x -> value(x, m)).filter(d -> !Double.isNaN(d)).toArray();
    }

    private static double value(Sample x, Metric m) {
        return x == null ? Double.NaN : x.get(m.key()) * m.scale();
    }

    /** subject / baseline of every round in which both produced the metric (series align by round). */
    static double[] roundRatios(List<Sample> subject, List<Sample> baseline, Metric m) {
        int rounds = Math.min(subject.size(), baseline.size());
        double[] r = new double[rounds];
        int n = 0;
        for (int i = 0; i < rounds; i++) {
            double q = value(subject.get(i), m) / value(baseline.get(i), m);
            if (!Double.isNaN(q) && !Double.isInfinite(q)) {
                r[n++] = q;
            }
        }
        return Arrays.copyOf(r, n);
    }

    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static double spread(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double min = Arrays.stream(v).min().orElseThrow();
        double max = Arrays.stream(v).max().orElseThrow();
        double med = median(v);
        return med == 0 ? Double.NaN : (max - min) / med;
    }

    /** 3 significant digits at most: 12.6, 1.52, 0.953, 431. */
    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "—";
        }
        double a = Math.abs(d);
        if (a == Math.rint(a) && a < 1e6) {
            return String.format(Locale.ROOT, "%.0f", d);
        }
        String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, f, d);
    }

    /** The table as Markdown, with a header that says what, where and how noisy. */
    public String text() {
        StringBuilder b = new StringBuilder();
        b.append("fifokit bench — ").append(settings.name()).append(": ").append(settings.rounds())
                .append(" rounds, medians; ").append(Machine.describe()).append('\n');
        b.append("placements: ");
        for (Placement p : placements) {
            b.append(p.name()).append(p.first() < 0 ? " (unpinned)" : " (writer/server CPU " + p.first()
                    + ", reader/client CPU " + p.second() + ")").append("  ");
        }
        b.append("\nload average before ").append(loadBefore).append(", after ").append(loadAfter)
                .append("; ").append(String.format(Locale.ROOT, "%.0f s", elapsedSeconds)).append("\n\n");
        b.append("| workload | cpus | metric | fifokit | baseline | ratio | of medians | target | met | held | spread |\n");
        b.append("|---|---|---|---:|---|---:|---:|---|---|---:|---:|\n");
        for (Row r : rows) {
            if (r.metric() == null) {
                b.append("| ").append(r.workload().title()).append(" | | | | | | | | | | ").append(r.workload().note())
                        .append(" |\n");
                continue;
            }
            boolean ratio = r.baseline() != null;
            b.append("| ").append(r.workload().title())
                    .append(" | ").append(r.placement())
                    .append(" | ").append(r.metric().key()).append(" (").append(r.metric().unit()).append(')')
                    .append(" | ").append(number(r.subjectValue()))
                    .append(" | ").append(ratio ? r.baseline() + " " + number(r.baselineValue()) : "—")
                    .append(" | ").append(ratio ? number(r.ratio()) : "—")
                    .append(" | ").append(ratio ? number(r.ratioOfMedians()) : "—")
                    .append(" | ").append(r.metric().targetText(ratio))
                    .append(" | ").append(r.met() == null ? "" : r.met() ? "yes" : "**no**")
                    .append(" | ").append(r.heldText())
                    .append(" | ").append(Double.isNaN(r.spread()) ? "" : Math.round(r.spread() * 100) + "%")
                    .append(" |\n");
        }
        if (!notes.isEmpty() || !failures.isEmpty()) {
            b.append('\n');
        }
        for (String n : notes) {
            b.append("note: ").append(n).append('\n');
        }
        for (String f : failures) {
            b.append("failed: ").append(f).append('\n');
        }
        return b.toString();
    }

    /** The same content as one JSON object. */
    public String json() {
        StringBuilder b = new StringBuilder("{");
        b.append("\"settings\":{\"mode\":").append(str(settings.name())).append(",\"rounds\":").append(settings.rounds())
                .append(",\"warm_ms\":").append(settings.warmMs()).append(",\"measure_ms\":").append(settings.measureMs())
                .append("},\"machine\":{\"cpu\":").append(str(Machine.cpu())).append(",\"vcpus\":").append(Machine.cpus())
                .append(",\"kernel\":").append(str(Machine.kernel())).append(",\"java\":").append(str(Machine.java()))
                .append(",\"load_before\":").append(str(loadBefore)).append(",\"load_after\":").append(str(loadAfter))
                .append("},\"elapsed_s\":").append(num(elapsedSeconds)).append(",\"rows\":[");
        boolean first = true;
        for (Row r : rows) {
            b.append(first ? "" : ",").append("{\"workload\":").append(str(r.workload().id()))
                    .append(",\"title\":").append(str(r.workload().title()));
            first = false;
            if (r.metric() == null) {
                b.append(",\"pending\":").append(str(r.workload().note())).append('}');
                continue;
            }
            b.append(",\"placement\":").append(str(r.placement()))
                    .append(",\"metric\":").append(str(r.metric().key()))
                    .append(",\"unit\":").append(str(r.metric().unit()))
                    .append(",\"fifokit\":").append(num(r.subjectValue()))
                    .append(",\"baseline\":").append(r.baseline() == null ? "null" : str(r.baseline()))
                    .append(",\"baseline_value\":").append(num(r.baselineValue()))
                    .append(",\"ratio\":").append(num(r.ratio()))
                    .append(",\"ratio_of_medians\":").append(num(r.ratioOfMedians()))
                    .append(",\"target\":").append(str(r.metric().targetText(r.baseline() != null)))
                    .append(",\"met\":").append(r.met() == null ? "null" : r.met().toString())
                    .append(",\"held\":").append(r.heldOf() == 0 ? "null" : str(r.heldText()))
                    .append(",\"spread\":").append(num(r.spread()))
                    .append(",\"samples\":").append(r.samples())
                    .append(",\"note\":").append(str(r.workload().note())).append('}');
        }
        b.append("],\"notes\":[");
        b.append(String.join(",", notes.stream().map(Report::str).toList()));
        b.append("],\"failures\":[");
        b.append(String.join(",", failures.stream().map(Report::str).toList()));
        return b.append("]}\n").toString();
    }

    private static String num(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? "null" : String.format(Locale.ROOT, "%.6g", d);
    }

    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
