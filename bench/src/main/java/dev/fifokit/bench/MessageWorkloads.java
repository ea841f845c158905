package dev.fifokit.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * 64-byte {@code mesg} messages (two target rows of BENCHMARKS.md): a 16-byte {@code struct mymesg}
 * header and 48 payload bytes, one write(2) each, and batched into writes of at most PIPE_BUF
 * (4096 bytes, 64 messages) as the atomicity rule allows.
 *
 * <p>Java: {@link dev.fifokit.messages.MessageWriter#send(long, byte[], int, int)} (unbatched,
 * or batching as a shared writer: batches of at most PIPE_BUF) and
 * {@link dev.fifokit.messages.MessageReader#receive(java.nio.ByteBuffer)}, the codec's
 * allocation-free paths. C: the frames built in place, one write(2) each or 64 per write(2),
 * and a reader that walks the headers of each 64 KiB read.
 */
final class MessageWorkloads {
    private MessageWorkloads() {}

    static final String NOTE = "Java: MessageWriter.send / MessageReader.receive(ByteBuffer); "
            + "C: frames built in place, reader walks the headers";

    static void register(Registry r, Env env) {
        r.add(new Workload("mesg-single", "64-byte mesg messages, one write each",
                List.of(Metric.messages(0.90)),
                List.of(Contender.java(run(Peer.java(), 1)), Contender.c(run(Peer.c("stream"), 1))),
                Pinning.ANY, NOTE));
        r.add(new Workload("mesg-batched", "64-byte mesg messages, batched 64 per 4 KiB write",
                List.of(Metric.messages(1.0)),
                List.of(Contender.java(run(Peer.java(), 64)), Contender.c(run(Peer.c("stream"), 64))),
                Pinning.ANY, NOTE));
    }

    private static Runner run(Peer peer, int batch) {
        return (env, s, p) -> {
            Path fifo = env.fifo("mesg");
            var writer = new Runs.Cmd("writer", Placement.pin(p.first(), peer.command(env, "frames-write", fifo, batch)));
            var reader = new Runs.Cmd("reader", Placement.pin(p.second(),
                    peer.command(env, "frames-read", fifo, peer.warmMs(s), s.measureMs())));
            return Runs.run(env, s.runTimeout(), reader, writer);
        };
    }
}
