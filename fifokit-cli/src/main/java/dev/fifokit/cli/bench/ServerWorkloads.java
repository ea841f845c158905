package dev.fifokit.cli.bench;

import java.util.List;

/**
 * The request/response server under 1000 concurrent clients (SPEC §11 row 6): a JVM runs
 * {@link dev.fifokit.server.ServerBenchmark} (a {@code FifoServer} with an echo handler and
 * in-process {@code FifoClient}s on virtual threads, 64-byte requests back to back, each with
 * its own reply FIFO) and reports requests/s, the p50/p99 round trip and the failures. No C
 * baseline: the target is that every request is answered. The server's directory is on a tmpfs
 * when there is one ({@link dev.fifokit.server.ServerBenchmark#defaultParent()}).
 */
final class ServerWorkloads {
    private ServerWorkloads() {}

    static void register(Registry r, Env env, Settings settings) {
        r.add(new Workload("server-1000", "server: " + settings.serverClients() + " concurrent clients, 64-byte echo",
                List.of(new Metric("req_per_s", "k req/s", 1e-3, true, Double.NaN),
                        Metric.latency("p50_ns", Double.NaN),
                        Metric.latency("p99_ns", Double.NaN),
                        new Metric("failures", "requests", 1, false, 0)),
                List.of(Contender.java(ServerWorkloads::run)), Pinning.NONE,
                "ServerBenchmark: FifoServer + FifoClients on virtual threads in one JVM, unpinned, on tmpfs if any",
                settings.brief() ? 1 : 0));
    }

    private static Sample run(Env env, Settings s, Placement p) throws Exception {
        return Runs.run(env, s.runTimeout(), new Runs.Cmd("server",
                env.java("server-load", s.serverClients(), s.serverMs())));
    }
}
