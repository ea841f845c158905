package dev.fifokit.bench;

import dev.fifokit.ends.PipeOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * Ping-pong round trips over two FIFOs (a target row of BENCHMARKS.md): a client writes 64 bytes into the
 * request FIFO, the server echoes them into the reply FIFO. Blocking (Java parks; C sleeps in
 * read(2)) and spinning (Java {@code PipeOptions.spin}; C busy-retries a non-blocking read).
 */
final class LatencyWorkloads {
    private LatencyWorkloads() {}

    static final int SIZE = 64;

    static void register(Registry r, Env env) {
        r.add(new Workload("pingpong-block", "ping-pong round trip, 64 bytes, blocking",
                List.of(Metric.latency("median_ns", 1.25), Metric.latency("p99_ns", 1.25)),
                List.of(Contender.java(run(Peer.java(), false)), Contender.c(run(Peer.c("pingpong"), false))),
                Pinning.ANY, "Java: FifoWriter/FifoReader on platform threads (poll(2) when empty)"));
        r.add(new Workload("pingpong-spin", "ping-pong round trip, 64 bytes, spinning",
                List.of(Metric.latency("median_ns", 1.25), Metric.latency("p99_ns", 1.25)),
                List.of(Contender.java(run(Peer.java(), true)), Contender.c(run(Peer.c("pingpong"), true))),
                Pinning.CROSS_ONLY, "Java: PipeOptions.spin(50ms); C: O_NONBLOCK busy retry"));
    }

    /**
     * A latency tail measures whatever else runs, and after the stream workloads' warm-up both
     * JVMs are still compiling (each peer's compiler threads share its vCPU): the spinning p99
     * was 4-5x C's after 1 s and 1.1-2x after 5 s. So a Java peer warms five times as long here
     * (the client also waits until its own JIT has been idle for 500 ms, see JavaPeer).
     */
    static long warmMs(Peer peer, Settings s) {
        return peer.isJava() ? 5L * peer.warmMs(s) : peer.warmMs(s);
    }

    private static Runner run(Peer peer, boolean spin) {
        return (env, s, p) -> {
            Path req = env.fifo("ping-req");
            Path rep = env.fifo("ping-rep");
            String flag = spin ? "1" : "0";
            var server = new Runs.Cmd("server", Placement.pin(p.first(), peer.command(env, "server", req, rep, SIZE, flag)));
            var client = new Runs.Cmd("client", Placement.pin(p.second(),
                    peer.command(env, "client", req, rep, SIZE, flag, warmMs(peer, s), s.pingRounds())));
            return Runs.run(env, s.runTimeout(), client, server);
        };
    }
}
