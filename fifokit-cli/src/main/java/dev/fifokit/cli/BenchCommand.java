package dev.fifokit.cli;

import dev.fifokit.cli.bench.Env;
import dev.fifokit.cli.bench.Registry;
import dev.fifokit.cli.bench.Report;
import dev.fifokit.cli.bench.Settings;
import dev.fifokit.cli.bench.Suite;
import dev.fifokit.cli.bench.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code fifokit bench}: the benchmark suite of BENCHMARKS.md. Compiles the C baselines from
 * {@code bench/c} with gcc -O2 into a temporary directory, runs Java and C side by side under
 * the same taskset placement, interleaved, for several rounds, and prints medians and the
 * Java/C ratio per workload. Needs gcc; uses dd, pv and socat when installed. Blocks for the
 * whole run (under 2 minutes with --quick); exit 1 if some contender never produced a result.
 */
@Command(name = "bench", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        description = {"Benchmark fifokit against C baselines and dd, pv and socat.",
                "The C baselines are compiled with gcc -O2 at run time; prints medians and the fifokit/C "
                        + "ratio per workload (see BENCHMARKS.md)."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Fewer, shorter rounds: under 2 minutes.")
    boolean quick;

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds per workload (default 3 quick, 5 full).")
    Integer rounds;

    @Option(names = "--only", paramLabel = "REGEX", description = "Run only workloads whose id matches REGEX.")
    String only;

    @Option(names = "--placement", paramLabel = "cross|same|both", defaultValue = "cross",
            description = "CPU placement of the two sides: different vCPUs (default), one vCPU, or both.")
    String placement;

    @Option(names = "--list", description = "List the workload ids and exit.")
    boolean list;

    @Option(names = "--smoke", hidden = true, description = "Tiny runs that only prove every workload still works.")
    boolean smoke;

    @Override
    public Integer call() throws Exception {
        if (!List.of("cross", "same", "both").contains(placement)) {
            throw new CliException("--placement must be cross, same or both, not " + placement, ExitCodes.USAGE);
        }
        Settings settings = smoke ? Settings.smoke() : quick ? Settings.quick() : Settings.full();
        if (rounds != null) {
            settings = settings.withRounds(rounds);
        }
        try (Env env = Env.prepare(System.err)) {
            Registry registry = Registry.standard(env, settings);
            List<Workload> selected = registry.select(only);
            if (list) {
                selected.forEach(w -> System.out.printf("%-15s %s%n", w.id(), w.title()));
                return ExitCodes.OK;
            }
            if (selected.isEmpty()) {
                throw new CliException("no workload matches " + only + " (see --list)", ExitCodes.USAGE);
            }
            Report report = Suite.run(selected, env, settings, env.placements(placement), System.err);
            System.out.print(json ? report.json() : report.text());
            return report.incomplete() ? ExitCodes.FAILURE : ExitCodes.OK;
        }
    }
}
