package dev.fifokit.bench;

import java.util.List;

/**
 * The entry of {@code fifokit bench}. The command line tool keeps the command's options (so its
 * help is the same whether or not this module is present) and calls {@link #run} when this
 * module's jar is on its class path, which the {@code fifokit} launcher arranges for
 * {@code fifokit bench}. Compiles the C baselines from {@code bench/c} with gcc -O2 into a
 * temporary directory, runs Java and C side by side under the same taskset placement,
 * interleaved, for several rounds, and prints medians and the Java/C ratio per workload.
 */
public final class Bench {
    private Bench() {}

    /**
     * Runs the selected workloads (or lists them) and prints the report on standard output,
     * progress on standard error. Blocks for the whole run (under 2 minutes with the quick
     * settings).
     *
     * @param mode      {@code full}, {@code quick} or {@code smoke} (tiny runs that only prove
     *                  every workload still works)
     * @param rounds    rounds per workload, or null for the mode's default
     * @param only      a regular expression the workload ids must match, or null for all
     * @param placement {@code cross}, {@code same} or {@code both}
     * @param list      list the workload ids and titles instead of running them
     * @param json      print the report as one JSON object
     * @return 0, or 1 if some contender never produced a result
     * @throws IllegalArgumentException if no workload matches {@code only} (a usage error)
     * @throws Exception                if the benchmark directory or the C baselines cannot
     *                                  be prepared
     */
    public static int run(String mode, Integer rounds, String only, String placement, boolean list, boolean json)
            throws Exception {
        Settings settings = switch (mode) {
            case "smoke" -> Settings.smoke();
            case "quick" -> Settings.quick();
            default -> Settings.full();
        };
        if (rounds != null) {
            settings = settings.withRounds(rounds);
        }
        try (Env env = Env.prepare(System.err)) {
            Registry registry = Registry.standard(env, settings);
            List<Workload> selected = registry.select(only);
            if (list) {
                selected.forEach(w -> System.out.printf("%-15s %s%n", w.id(), w.title()));
                return 0;
            }
            if (selected.isEmpty()) {
                throw new IllegalArgumentException("no workload matches " + only + " (see --list)");
            }
            Report report = Suite.run(selected, env, settings, env.placements(placement), System.err);
            System.out.print(json ? report.json() : report.text());
            return report.incomplete() ? 1 : 0;
        }
    }
}
