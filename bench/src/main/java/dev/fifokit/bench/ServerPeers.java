package dev.fifokit.bench;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.PipeOptions;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.server.FifoClient;
import dev.fifokit.server.FifoServer;
import dev.fifokit.server.ServerOptions;
import dev.fifokit.server.ServerProtocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The processes of the server workloads, each its own JVM: the server, the well-behaved
 * clients that measure, and the attackers. A run ends when the clients create the DONE file;
 * the server and the attackers see it and exit 0.
 */
final class ServerPeers {
    private ServerPeers() {}

    /** Non-reading clients of the attacked run. */
    static final int NON_READERS = 50;

    /** A FifoServer with an echo handler on {@code dir}, until {@code done} exists. */
    static int fifoServer(Path dir, Path done) throws Exception {
        try (FifoServer _ = FifoServer.bind(dir, (req, reply) -> reply.send(req.payload()),
                ServerOptions.defaults().maxInFlight(256).log(line -> { }))) {
            awaitFile(done);
        }
        return 0;
    }

    /** {@code clients} clients measuring for {@code ms} once server.fifo exists; then creates {@code done}. */
    static int clients(Path dir, int clients, long ms, Path done) throws Exception {
        try {
            awaitFile(ServerProtocol.serverFifo(dir));
            ServerBenchmark.Result r = ServerBenchmark.load(dir, clients, Duration.ofMillis(ms));
            System.out.printf("result req_per_s=%.0f p50_ns=%d p99_ns=%d failures=%d requests=%d clients=%d%n",
                    r.requestsPerSecond(), r.p50().toNanos(), r.p99().toNanos(), r.failures(), r.requests(), clients);
            return 0;
        } finally {
            Files.writeString(done, "done\n");
        }
    }

    /**
     * Attacks the server in {@code dir} until {@code done} exists: a garbage streamer (0xFF
     * bytes, 64 KiB per write, as fast as the server takes them), {@value #NON_READERS}
     * clients whose reply pipes are shrunk to one page, full, and never read (each sends a
     * request every second), and a forger sending requests for random client ids.
     */
    static int attack(Path dir, Path done) throws Exception {
        Path serverFifo = ServerProtocol.serverFifo(dir);
        awaitFile(serverFifo);
        List<Thread> threads = new ArrayList<>();
        threads.add(Thread.ofPlatform().daemon().start(() -> {
            byte[] junk = new byte[64 * 1024];
            Arrays.fill(junk, (byte) 0xFF);
            try (FifoWriter w = FifoWriter.open(serverFifo, WriterOptions.defaults().failIfNoReader())) {
                while (true) {
                    w.write(junk);
                }
            } catch (IOException e) {
                // the server stopped
            }
        }));
        List<long[]> ids = new ArrayList<>();
        List<AutoCloseable> keep = new ArrayList<>();
        for (int i = 0; i < NON_READERS; i++) {
            long id = FifoClient.uniqueId();
            Fifo f = Fifo.create(ServerProtocol.clientFifo(dir, id), ServerProtocol.CLIENT_FIFO_MODE);
            FifoReader r = f.openReader(ReaderOptions.defaults().awaitWriter(false));
            r.setCapacity(4096);
            try (FifoWriter w = f.openWriter(WriterOptions.defaults().io(PipeOptions.defaults().nonBlocking()))) {
                w.write(new byte[4096]);
            }
            keep.add(r);
            keep.add(f);
            ids.add(new long[] {id});
        }
        threads.add(Thread.ofPlatform().daemon().start(() -> {
            try (FifoWriter w = FifoWriter.open(serverFifo, WriterOptions.defaults().failIfNoReader())) {
                while (true) {
                    for (long[] id : ids) {
                        w.write(frame(id[0], new byte[64]));
                    }
                    Thread.sleep(1000);
                }
            } catch (IOException | InterruptedException e) {
                // the server stopped
            }
        }));
        threads.add(Thread.ofPlatform().daemon().start(() -> {
            try (FifoWriter w = FifoWriter.open(serverFifo, WriterOptions.defaults().failIfNoReader())) {
                while (true) {
                    w.write(frame(ThreadLocalRandom.current().nextLong(1, 4_000_000), new byte[64]));
                    Thread.sleep(1);
                }
            } catch (IOException | InterruptedException e) {
                // the server stopped
            }
        }));
        awaitFile(done);
        for (AutoCloseable c : keep.reversed()) {
            c.close();
        }
        return 0;
    }

    private static byte[] frame(long type, byte[] payload) {
        return ByteBuffer.allocate(16 + payload.length).order(ByteOrder.nativeOrder())
                .putLong(payload.length).putLong(type).put(payload).array();
    }

    private static void awaitFile(Path p) throws InterruptedException {
        while (!Files.exists(p)) {
            Thread.sleep(20);
        }
    }
}
