package dev.fifokit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Bulk byte streams and splice transfers (the first two target rows of BENCHMARKS.md): one writer process and one
 * reader process through a FIFO, Java against {@code bench/c/stream.c}.
 */
final class StreamWorkloads {
    private StreamWorkloads() {}

    static void register(Registry r, Env env, Settings settings) {
        bulk(r, 4096, 65536);
        bulk(r, 8192, 65536);
        bulk(r, 65536, 65536);
        bulk(r, 65536, 1 << 20);
        splice(r, false);
        if (!settings.brief()) {
            splice(r, true);
        }
    }

    private static void bulk(Registry r, int chunk, int pipe) {
        r.add(new Workload("bulk-" + id(chunk) + "-" + id(pipe),
                "bulk stream, " + kib(chunk) + " writes/reads, " + kib(pipe) + " pipe",
                List.of(Metric.throughput(0.95)),
                List.of(Contender.java(bulkRun(Peer.java(), chunk, pipe)),
                        Contender.c(bulkRun(Peer.c("stream"), chunk, pipe))),
                Pinning.ANY,
                "Java: FifoWriter.write(byte[]) / FifoReader.read(byte[]); C: write(2)/read(2)"));
    }

    private static Runner bulkRun(Peer peer, int chunk, int pipe) {
        return (env, s, p) -> {
            Path fifo = env.fifo("bulk");
            var writer = new Runs.Cmd("writer", Placement.pin(p.first(),
                    peer.command(env, "write", fifo, chunk, pipe == 65536 ? 0 : pipe)));
            var reader = new Runs.Cmd("reader", Placement.pin(p.second(),
                    peer.command(env, "read", fifo, chunk, peer.warmMs(s), s.measureMs())));
            return Runs.run(env, s.runTimeout(), reader, writer);
        };
    }

    private static void splice(Registry r, boolean toFile) {
        String target = toFile ? "a file" : "/dev/null";
        r.add(new Workload(toFile ? "splice-file" : "splice-null",
                "splice FIFO → " + target + " (64 KiB writes, 1 MiB pipe)",
                List.of(Metric.throughput(0.95)),
                List.of(Contender.java(spliceRun(Peer.java(), toFile)),
                        Contender.c(spliceRun(Peer.c("stream"), toFile))),
                Pinning.ANY,
                toFile ? "Java: FifoReader.transferToDescriptor (what fifokit cat does); C: splice(2) loop; "
                        + "the file is on tmpfs (/dev/shm) when it has room, so disk writeback stays out"
                        : "Java: FifoReader.transferToDescriptor (what fifokit cat does); C: splice(2) loop"));
    }

    /**
     * Into a file, both languages warm up equally long: the file grows during the warm-up, and a
     * bigger file makes every later page cost more, which must not favour the shorter warm-up.
     */
    private static Runner spliceRun(Peer peer, boolean toFile) {
        return (env, s, p) -> {
            Path fifo = env.fifo("splice");
            Path out = toFile ? env.scratchFile("splice.data") : Path.of("/dev/null");
            try {
                var writer = new Runs.Cmd("writer", Placement.pin(p.first(),
                        peer.command(env, "write", fifo, 65536, 1 << 20)));
                var reader = new Runs.Cmd("reader", Placement.pin(p.second(),
                        peer.command(env, "splice", fifo, toFile ? s.warmMs() : peer.warmMs(s), s.measureMs())),
                        out);
                return Runs.run(env, s.runTimeout(), reader, writer);
            } finally {
                if (toFile) {
                    Files.deleteIfExists(out);
                }
            }
        };
    }

    /** 4096 → "4k", 1048576 → "1m": the short form used in workload ids. */
    static String id(int bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + "m" : (bytes >> 10) + "k";
    }

    static String kib(int bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }
}
