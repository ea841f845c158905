package dev.fifokit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code fifokit bench}: the benchmark suite of BENCHMARKS.md. Compiles the C baselines from
 * {@code bench/c} with gcc -O2 into a temporary directory, runs Java and C side by side under
 * the same taskset placement, interleaved, for several rounds, and prints medians and the
 * Java/C ratio per workload. Needs gcc; uses dd, pv and socat when installed. Blocks for the
 * whole run (under 2 minutes with --quick); exit 1 if some contender never produced a result.
 *
 * <p>The harness itself is in the fifokit-bench module ({@code dev.fifokit.bench.Bench}), which
 * the product jar does not contain: this command keeps only the options, so that the help is
 * the same with or without it, and calls the harness when its jar is on the class path (the
 * {@code fifokit} launcher builds it and puts it there for {@code fifokit bench}).
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
        MethodHandle run = harness();
        try {
            return (int) run.invoke(smoke ? "smoke" : quick ? "quick" : "full", rounds, only, placement, list, json);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), ExitCodes.USAGE);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code Bench.run} of the fifokit-bench module, found on the class path. */
    private static MethodHandle harness() throws CliException, ReflectiveOperationException {
        Class<?> bench;
        try {
            bench = Class.forName("dev.fifokit.bench.Bench");
        } catch (ClassNotFoundException e) {
            throw new CliException("the benchmark harness (the fifokit-bench module) is not on the class path: "
                    + "run ./fifokit bench or bench/run.sh from a clone", ExitCodes.FAILURE);
        }
        return MethodHandles.publicLookup().findStatic(bench, "run", MethodType.methodType(int.class,
                String.class, Integer.class, String.class, String.class, boolean.class, boolean.class));
    }
}
