package dev.fifokit.bench;

import java.time.Duration;

/**
 * How long and how often the suite measures. {@link #quick()} fits in two minutes on a 2-vCPU
 * machine, {@link #full()} is the one BENCHMARKS.md quotes, {@link #smoke()} only proves that
 * every workload still runs (seconds; its numbers mean nothing).
 *
 * @param name        quick, full or smoke
 * @param rounds      how many times every contender runs; the report shows medians
 * @param warmMs      after the first byte, how long a Java reader waits before its window
 *                    opens, so JIT warm-up is outside it (C, which needs none, waits at most
 *                    200 ms: see {@link Peer#warmMs})
 * @param measureMs   the measuring window of a throughput run
 * @param pingRounds  measured round trips per ping-pong run (after {@code warmMs} of warm-up)
 * @param cliBytes    bytes moved through the CLI tools per run
 * @param startupRuns process starts per start-up sample
 * @param idleReaders virtual-thread readers in the idle-readers workload
 * @param serverClients concurrent clients of the server workload
 * @param serverMs    how long the server workload measures (after its own warm-up)
 * @param runTimeout  a run that takes longer fails (its processes are killed)
 */
public record Settings(String name, int rounds, int warmMs, int measureMs, int pingRounds, long cliBytes,
                       int startupRuns, int idleReaders, int serverClients, int serverMs, Duration runTimeout) {

    public static Settings quick() {
        return new Settings("quick", 3, 800, 250, 3000, 256L << 20, 3, 10_000, 1000, 3000, Duration.ofSeconds(60));
    }

    public static Settings full() {
        return new Settings("full", 5, 1000, 1000, 20_000, 4L << 30, 11, 10_000, 1000, 5000, Duration.ofSeconds(120));
    }

    public static Settings smoke() {
        return new Settings("smoke", 1, 20, 40, 200, 4L << 20, 1, 200, 20, 200, Duration.ofSeconds(60));
    }

    /** True in quick mode: a diagnostic row and a duplicate splice row are left out. */
    public boolean brief() {
        return name.equals("quick");
    }

    public Settings withRounds(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("rounds must be at least 1: " + n);
        }
        return new Settings(name, n, warmMs, measureMs, pingRounds, cliBytes, startupRuns, idleReaders, serverClients,
                serverMs, runTimeout);
    }
}
