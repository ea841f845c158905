package dev.fifokit.cli.bench;

/**
 * The request/response server under 1000 concurrent clients (SPEC §11 row 6). Pending until
 * {@code dev.fifokit.server} is on main: then this registers a workload whose subject starts
 * {@code fifokit serve} and 1000 clients, and reports req/s and p99 (no C baseline).
 */
final class ServerWorkloads {
    private ServerWorkloads() {}

    static void register(Registry r, Env env) {
        r.add(Workload.pending("server-1000", "server: 1000 concurrent clients (req/s, p99)",
                "pending: dev.fifokit.server is not on main yet"));
    }
}
