package dev.fifokit.cli.bench;

import java.time.Duration;

/**
 * How long and how often the suite measures. {@link #quick()} fits in two minutes on a 2-vCPU
 * machine, {@link #full()} is the one BENCHMARKS.md quotes, {@link #smoke()} only proves that
 * every workload still runs (seconds; its numbers mean nothing).
 *
 * @param name        quick, full or smoke
 * @param rounds      how many times every contender runs; the report shows medians
 * @param warmMs      after the first byte, how long a reader waits before its window opens
 *                    (JIT warm-up is outside the window, for Java and C alike)
 * @param measureMs   the measuring window of a throughput run
 * @param pingRounds  measured round trips per ping-pong run (after {@code warmMs} of warm-up)
 * @param cliBytes    bytes moved through the CLI tools per run
 * @param startupRuns process starts per start-up sample
 * @param idleReaders virtual-thread readers in the idle-readers workload
 * @param runTimeout  a run that takes longer fails (its processes are killed)
 */
public record Settings(String name, int rounds, int warmMs, int measureMs, int pingRounds, long cliBytes,
                       int startupRuns, int idleReaders, Duration runTimeout) {

    public static Settings quick() {
        return new Settings("quick", 3, 250, 300, 3000, 256L << 20, 5, 10_000, Duration.ofSeconds(60));
    }

    public static Settings full() {
        return new Settings("full", 5, 1000, 1000, 20_000, 2L << 30, 11, 10_000, Duration.ofSeconds(120));
    }

    public static Settings smoke() {
        return new Settings("smoke", 1, 20, 40, 200, 4L << 20, 1, 200, Duration.ofSeconds(60));
    }

    public Settings withRounds(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("rounds must be at least 1: " + n);
        }
        return new Settings(name, n, warmMs, measureMs, pingRounds, cliBytes, startupRuns, idleReaders, runTimeout);
    }
}
