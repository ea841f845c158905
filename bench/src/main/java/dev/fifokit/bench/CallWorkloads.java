package dev.fifokit.bench;

import java.util.List;

/**
 * The price of one call, with the scheduler out of the picture: one thread writes and reads
 * back {@code size} bytes on an anonymous pipe that never blocks ({@code bench/c/calls.c}
 * against {@link JavaPeer}'s {@code calls}). Not one of the targets in BENCHMARKS.md: it tells whether a gap in the
 * stream rows comes from each call (FFM, locks, checks) or from waiting.
 */
final class CallWorkloads {
    private CallWorkloads() {}

    static void register(Registry r, Env env, Settings settings) {
        for (int size : settings.brief() ? new int[] {64} : new int[] {64, 4096}) {
            r.add(new Workload("calls-" + size, "write+read of " + size + " bytes, one thread, never blocks",
                    List.of(new Metric("ns_per_pair", "ns", 1, false, Double.NaN)),
                    List.of(Contender.java(run(Peer.java(), size)), Contender.c(run(Peer.c("calls"), size))),
                    Pinning.ONE_CPU, "per-call cost: FifoWriter.write + FifoReader.read vs write(2) + read(2)"));
        }
    }

    private static Runner run(Peer peer, int size) {
        return (env, s, p) -> Runs.run(env, s.runTimeout(), new Runs.Cmd("calls",
                Placement.pin(p.first(), peer.command(env, "calls", size, peer.warmMs(s), s.measureMs()))));
    }
}
