package dev.fifokit.bench;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * The request/response server.
 *
 * <ul>
 *   <li>{@code server-1000}: a JVM runs {@link ServerBenchmark} (a {@code FifoServer} with an
 *       echo handler and in-process {@code FifoClient}s on virtual threads, 64-byte requests
 *       back to back, each with its own reply FIFO) and reports requests/s, the p50/p99 round
 *       trip and the failures.</li>
 *   <li>{@code server-vs-c}: the same clients in their own JVM, against a {@code FifoServer}
 *       in another JVM, and against {@code bench/c/server.c} (the same protocol, one thread,
 *       echo without a handler): the ratio is Java/C in requests/s.</li>
 *   <li>{@code server-attack}: the same clients and Java server, once calm and once while an
 *       attacker process streams garbage into {@code server.fifo}, keeps 50 non-reading
 *       clients with full one-page reply pipes sending, and forges requests for random ids:
 *       the ratio is attacked/calm in requests/s, and every good request must be answered.</li>
 * </ul>
 * The server's directory is on a tmpfs when there is one ({@link ServerBenchmark#defaultParent()}).
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
        r.add(new Workload("server-vs-c", "server: " + settings.serverClients() + " clients, Java server vs C server",
                List.of(new Metric("req_per_s", "k req/s", 1e-3, true, 0.8),
                        Metric.latency("p50_ns", Double.NaN),
                        Metric.latency("p99_ns", Double.NaN),
                        new Metric("failures", "requests", 1, false, 0)),
                List.of(Contender.java(separate(false, false)), Contender.c(separate(true, false))), Pinning.NONE,
                "clients in their own JVM; Java: FifoServer (echo handler) in another JVM; C: bench/c/server.c",
                settings.brief() ? 1 : 0));
        r.add(new Workload("server-attack", "server: " + settings.serverClients() + " clients, attacked vs calm",
                List.of(new Metric("req_per_s", "k req/s", 1e-3, true, 0.5),
                        Metric.latency("p99_ns", Double.NaN),
                        new Metric("failures", "requests", 1, false, 0)),
                List.of(Contender.java(separate(false, true)), new Contender("calm", false, separate(false, false))),
                Pinning.NONE, "attacker: 0xFF garbage streamer, " + ServerPeers.NON_READERS
                        + " non-readers with full 4 KiB reply pipes, a forger of random ids",
                settings.brief() ? 1 : 0));
    }

    private static Sample run(Env env, Settings s, Placement p) throws Exception {
        return Runs.run(env, s.runTimeout(), new Runs.Cmd("server",
                env.java("server-load", s.serverClients(), s.serverMs())));
    }

    /** Server and clients (and the attacker) as separate processes. */
    private static Runner separate(boolean cServer, boolean attacked) {
        return (env, s, p) -> {
            Path base = Files.createTempDirectory(ServerBenchmark.defaultParent(), "fifokit-bench-server");
            try {
                Path dir = base.resolve("srv");
                Path done = base.resolve("done");
                var server = new Runs.Cmd("server", cServer ? env.c("server", dir, done)
                        : env.java("fifo-server", dir, done));
                var clients = new Runs.Cmd("clients", env.java("server-clients", dir, s.serverClients(), s.serverMs(), done));
                if (attacked) {
                    var attacker = new Runs.Cmd("attacker", env.java("server-attack", dir, done));
                    return Runs.run(env, s.runTimeout(), clients, server, attacker);
                }
                return Runs.run(env, s.runTimeout(), clients, server);
            } finally {
                deleteTree(base);
            }
        };
    }

    private static void deleteTree(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
