package dev.fifokit.bench;

import dev.fifokit.Limits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * 10 000 idle readers on virtual threads (a target row of BENCHMARKS.md), in a JVM limited to a 512 MiB heap:
 * each reader has its own FIFO and blocks in read with no writer; the peer reports the heap in
 * use and the carrier threads. No C baseline: the targets are absolute.
 */
final class IdleReadersWorkload {
    private IdleReadersWorkload() {}

    static void register(Registry r, Env env) {
        r.add(new Workload("idle-readers", "idle readers on virtual threads, -Xmx512m",
                List.of(new Metric("heap_mib", "MiB", 1, false, 512),
                        new Metric("carriers", "threads", 1, false, 4),
                        new Metric("open_ms", "ms", 1, false, Double.NaN)),
                List.of(Contender.java(IdleReadersWorkload::run)), Pinning.NONE,
                "readers opened with awaitWriter(false), each parked in read through the epoll Poller; one round",
                1));
    }

    static int count(Settings s) {
        long limit = Limits.read().descriptorLimit();
        // every reader holds one descriptor; keep room for the JVM's own
        return (int) Math.max(1, Math.min(s.idleReaders(), limit - 1024));
    }

    private static Sample run(Env env, Settings s, Placement p) throws Exception {
        Path dir = env.dir().resolve("idle");
        clear(dir);
        Files.createDirectories(dir);
        try {
            var peer = new Runs.Cmd("idle", env.java(List.of("-Xmx512m"), "idle-readers", dir, count(s)));
            return Runs.run(env, s.runTimeout(), peer);
        } finally {
            clear(dir);
        }
    }

    private static void clear(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
