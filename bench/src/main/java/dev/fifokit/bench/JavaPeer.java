package dev.fifokit.bench;

import dev.fifokit.BrokenPipeException;
import dev.fifokit.FifoClosedException;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.PipeOptions;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.ends.Pipe;
import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.MessageBatch;
import dev.fifokit.messages.MessageHandler;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * The Java side of every workload, one process per role, through fifokit's public API only.
 * Each mode mirrors the C baseline of the same name in {@code bench/c} (same arguments, same
 * measuring window, same {@code result ...} line), so the two differ only in the language and
 * the library. The hot loops allocate nothing.
 */
public final class JavaPeer {
    private JavaPeer() {}

    private static final int FRAME = 64;
    private static final int HEADER = 16;

    public static void main(String[] args) throws Exception {
        int code = switch (args.length == 0 ? "" : args[0]) {
            case "write" -> write(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "read" -> read(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]),
                    Long.parseLong(args[4]));
            case "splice" -> splice(Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]));
            case "frames-write" -> framesWrite(Path.of(args[1]), Integer.parseInt(args[2]));
            case "frames-read" -> framesRead(Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]));
            case "server" -> server(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), spin(args[4]));
            case "client" -> client(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), spin(args[4]),
                    Long.parseLong(args[5]), Integer.parseInt(args[6]));
            case "idle-readers" -> idleReaders(Path.of(args[1]), Integer.parseInt(args[2]));
            case "server-load" -> serverLoad(Integer.parseInt(args[1]), Long.parseLong(args[2]));
            case "fifo-server" -> ServerPeers.fifoServer(Path.of(args[1]), Path.of(args[2]));
            case "server-clients" -> ServerPeers.clients(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]),
                    Path.of(args[4]));
            case "server-attack" -> ServerPeers.attack(Path.of(args[1]), Path.of(args[2]));
            case "calls" -> calls(Integer.parseInt(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]));
            default -> {
                System.err.println("usage: JavaPeer write|read|splice|frames-write|frames-read|server|client"
                        + "|idle-readers|server-load|fifo-server|server-clients|server-attack|calls ARGS (see bench/c/stream.c and pingpong.c)");
                yield 2;
            }
        };
        System.out.flush();
        System.exit(code);
    }

    /** Writes {@code chunk}-byte blocks until the reader leaves. */
    static int write(Path fifo, int chunk, int pipeSize) throws IOException {
        byte[] buf = new byte[chunk];
        Arrays.fill(buf, (byte) 'x');
        try (FifoWriter out = FifoWriter.open(fifo)) {
            if (pipeSize > 0) {
                out.setCapacity(pipeSize);
            }
            while (true) {
                out.write(buf, 0, chunk);
            }
        } catch (BrokenPipeException done) {
            return 0;
        }
    }

    static int read(Path fifo, int chunk, long warmMs, long measureMs) throws IOException {
        byte[] buf = new byte[chunk];
        Window w = new Window(warmMs, measureMs);
        try (FifoReader in = FifoReader.open(fifo)) {
            while (true) {
                int n = in.read(buf, 0, chunk);
                if (n < 0) {
                    System.err.println("read: the writer left early");
                    return 1;
                }
                if (w.add(n)) {
                    break;
                }
            }
        }
        System.out.printf("result bytes_per_s=%.0f bytes=%d%n", w.perSecond(), w.units());
        return 0;
    }

    /** splice(2) from the FIFO into standard output, as {@code fifokit cat} does. */
    static int splice(Path fifo, long warmMs, long measureMs) throws IOException {
        Window w = new Window(warmMs, measureMs);
        try (FifoReader in = FifoReader.open(fifo)) {
            while (true) {
                long n = in.transferToDescriptor(1, 1 << 20);
                if (n <= 0) {
                    System.err.println("splice: the writer left early");
                    return 1;
                }
                if (w.add(n)) {
                    break;
                }
            }
        }
        // standard output is the splice target
        System.err.printf("result bytes_per_s=%.0f bytes=%d%n", w.perSecond(), w.units());
        return 0;
    }

    /**
     * 64-byte mesg messages (48-byte payload carrying a sequence number) through
     * {@link MessageWriter}: {@code send} with one write each, or, batched, {@code batch} frames
     * built in place by a {@link MessageBatch} (a shared writer: one atomic write per batch), as
     * the C writer fills its array of frames.
     */
    static int framesWrite(Path fifo, int batch) throws IOException {
        byte[] payload = new byte[FRAME - HEADER];
        MemorySegment seq = MemorySegment.ofArray(payload);
        long n = 0;
        try (FifoWriter end = FifoWriter.open(fifo); MessageWriter out = MessageWriter.of(end, Framing.MESG)) {
            if (batch > 1) {
                while (true) {
                    n = sendBatch(out, batch, n);
                }
            }
            while (true) {
                seq.set(JAVA_LONG_UNALIGNED, 0, n++);
                out.send(1, payload, 0, payload.length);
            }
        } catch (BrokenPipeException done) {
            return 0;
        }
    }

    /** One batch of frames built in place; its own method, so the JIT compiles it whole (not OSR). */
    private static long sendBatch(MessageWriter out, int batch, long n) throws IOException {
        try (MessageBatch frames = out.batch()) {
            for (int i = 0; i < batch; i++) {
                frames.add(1, FRAME - HEADER).putLong(n++);
            }
        }
        return n;
    }

    /** Sums the sequence numbers of the messages a reader is handed, as the C reader does. */
    private static final class SeqSum implements MessageHandler {
        long sum;

        @Override
        public void onMessage(long type, ByteBuffer payload) {
            sum += payload.getLong(payload.position());
        }
    }

    /**
     * Receives messages through {@link MessageReader#receiveAll}: every whole message of one
     * read(2) handed over in place, as the C reader walks the headers of its buffer; messages/s.
     */
    static int framesRead(Path fifo, long warmMs, long measureMs) throws IOException {
        SeqSum check = new SeqSum();
        Window w = new Window(warmMs, measureMs);
        try (FifoReader end = FifoReader.open(fifo); MessageReader in = MessageReader.of(end, Framing.MESG)) {
            while (true) {
                // the clock is read once per read(2), as in C
                int n = in.receiveAll(check);
                if (n < 0) {
                    System.err.println("frames-read: the writer left early");
                    return 1;
                }
                if (w.add(n)) {
                    break;
                }
            }
        }
        System.out.printf("result msgs_per_s=%.0f msgs=%d check=%d%n", w.perSecond(), w.units(), check.sum & 1);
        return 0;
    }

    /** {@link ServerBenchmark}: {@code clients} concurrent clients for {@code ms} after its warm-up. */
    static int serverLoad(int clients, long ms) throws Exception {
        ServerBenchmark.Result r = ServerBenchmark.run(clients, Duration.ofMillis(ms));
        System.out.printf("result req_per_s=%.0f p50_ns=%d p99_ns=%d failures=%d requests=%d clients=%d%n",
                r.requestsPerSecond(), r.p50().toNanos(), r.p99().toNanos(), r.failures(), r.requests(), clients);
        return 0;
    }

    /** One write plus one read of {@code size} bytes on an anonymous pipe, as bench/c/calls.c. */
    static int calls(int size, long warmMs, long measureMs) throws IOException {
        byte[] buf = new byte[size];
        long open = System.nanoTime() + warmMs * 1_000_000L;
        long pairs = 0;
        long t;
        try (Pipe pipe = Pipe.open()) {
            FifoWriter out = pipe.writer();
            FifoReader in = pipe.reader();
            while (true) {
                for (int i = 0; i < 256; i++) {
                    out.write(buf, 0, size);
                    if (in.read(buf, 0, size) != size) {
                        throw new IllegalStateException("short read");
                    }
                }
                t = System.nanoTime();
                if (t - open < 0) {
                    continue;
                }
                if (pairs == 0) {
                    open = t;
                    pairs = 1;
                    continue;
                }
                pairs += 256;
                if (t - open >= measureMs * 1_000_000L) {
                    break;
                }
            }
        }
        System.out.printf("result ns_per_pair=%.1f pairs=%d%n", (double) (t - open) / (pairs - 1), pairs - 1);
        return 0;
    }

    private static PipeOptions spin(String flag) {
        // spinning: re-try for up to 50 ms before parking, far longer than one round trip
        return "1".equals(flag) ? PipeOptions.defaults().spin(Duration.ofMillis(50)) : PipeOptions.defaults();
    }

    static int server(Path req, Path rep, int size, PipeOptions options) throws IOException {
        byte[] buf = new byte[size];
        try (FifoReader in = FifoReader.open(req, ReaderOptions.defaults().io(options));
             FifoWriter out = FifoWriter.open(rep, WriterOptions.defaults().io(options))) {
            while (readFull(in, buf)) {
                out.write(buf, 0, size);
            }
        } catch (BrokenPipeException done) {
            return 0;
        }
        return 0;
    }

    static int client(Path req, Path rep, int size, PipeOptions options, long warmMs, int n) throws IOException {
        byte[] buf = new byte[size];
        long[] rtt = new long[n];
        JitQuiet warm = new JitQuiet(warmMs);
        boolean measuring = false;
        try (FifoWriter out = FifoWriter.open(req, WriterOptions.defaults().io(options));
             FifoReader in = FifoReader.open(rep, ReaderOptions.defaults().io(options))) {
            for (int i = 0; i < n; ) {
                long t0 = System.nanoTime();
                out.write(buf, 0, size);
                if (!readFull(in, buf)) {
                    System.err.println("client: the server left");
                    return 1;
                }
                long t1 = System.nanoTime();
                if (measuring || (measuring = warm.done(t0))) {
                    rtt[i++] = t1 - t0;
                }
            }
        }
        Arrays.sort(rtt);
        double sum = 0;
        for (long r : rtt) {
            sum += r;
        }
        System.out.printf("result median_ns=%d p99_ns=%d mean_ns=%.0f%n", rtt[n / 2], rtt[(int) (n * 99L / 100)],
                sum / n);
        return 0;
    }

    /**
     * The end of a latency run's warm-up: at least {@code warmMs}, then until the JIT has
     * compiled nothing for 500 ms (at most 10 s in all). Round trips measured while the compiler
     * still runs beside two peers on two vCPUs show the compiler, not the code: with a fixed
     * 1 s warm-up the spinning p99 was 2-3x what it is once compilation has settled.
     */
    static final class JitQuiet {
        private static final long QUIET = 500_000_000L;
        private static final long STEP = 50_000_000L;
        private final java.lang.management.CompilationMXBean jit =
                java.lang.management.ManagementFactory.getCompilationMXBean();
        private final long cap;
        private long next;
        private long lastJit = -1;
        private long quietSince;

        JitQuiet(long warmMs) {
            long now = System.nanoTime();
            next = now + warmMs * 1_000_000L;
            cap = now + Math.max(warmMs, 10_000L) * 1_000_000L;
            quietSince = now;
        }

        /** True once measuring may start; cheap until the next check is due. */
        boolean done(long now) {
            if (now - next < 0) {
                return false;
            }
            long total = jit == null || !jit.isCompilationTimeMonitoringSupported() ? 0 : jit.getTotalCompilationTime();
            if (total != lastJit) {
                lastJit = total;
                quietSince = now;
            }
            if (now - quietSince >= QUIET || now - cap >= 0) {
                return true;
            }
            next = now + STEP;
            return false;
        }
    }

    private static boolean readFull(FifoReader in, byte[] buf) throws IOException {
        int done = 0;
        while (done < buf.length) {
            int n = in.read(buf, done, buf.length - done);
            if (n < 0) {
                return false;
            }
            done += n;
        }
        return true;
    }

    /**
     * Opens {@code count} readers, each on its own FIFO in {@code dir} and its own virtual
     * thread, lets every one block in read (no writer ever comes), then reports the heap in
     * use and the carrier threads, and closes them all (which wakes every reader).
     */
    static int idleReaders(Path dir, int count) throws Exception {
        List<FifoReader> readers = new ArrayList<>(count);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch opened = new CountDownLatch(count);
        List<Thread> threads = new ArrayList<>(count);
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Path p = dir.resolve("idle-" + i + ".fifo");
            Fifo.create(p).keep().close();
            FifoReader r = FifoReader.open(p, ReaderOptions.defaults().awaitWriter(false));
            readers.add(r);
            threads.add(Thread.ofVirtual().start(() -> {
                opened.countDown();
                try {
                    r.read(new byte[64], 0, 64);
                    failures.add(new IllegalStateException("a reader returned without a writer"));
                } catch (FifoClosedException expected) {
                    // closed by the harness below: the normal end
                } catch (IOException | RuntimeException e) {
                    failures.add(e);
                }
            }));
        }
        if (!opened.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("readers did not start");
        }
        long openMs = (System.nanoTime() - t0) / 1_000_000;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (threads.stream().anyMatch(t -> t.getState() != Thread.State.WAITING)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("readers did not all park");
            }
            Thread.sleep(10);
        }
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long carriers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getClass().getName().endsWith("CarrierThread")
                        || t.getName().startsWith("ForkJoinPool-1-worker"))
                .count();
        int platform = ManagementFactory.getThreadMXBean().getThreadCount();
        for (FifoReader r : readers) {
            r.close();
        }
        for (Thread t : threads) {
            if (!t.join(Duration.ofSeconds(30))) {
                throw new IllegalStateException("a reader did not wake on close");
            }
        }
        if (!failures.isEmpty()) {
            failures.forEach(f -> System.err.println("idle-readers: " + f));
            return 1;
        }
        System.out.printf("result heap_mib=%.1f carriers=%d platform_threads=%d open_ms=%d readers=%d%n",
                heap / 1048576.0, carriers, platform, openMs, count);
        return 0;
    }
}
