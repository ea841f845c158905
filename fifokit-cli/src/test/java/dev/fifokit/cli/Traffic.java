package dev.fifokit.cli;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many writers into one FIFO, one reader of another, and an account of what crossed: each
 * writer's messages carry its number and a sequence number and a payload derived from both, so
 * the reader can tell a torn, foreign, lost, duplicated or reordered message.
 */
final class Traffic implements AutoCloseable {
    static final Duration OPEN = Duration.ofSeconds(60);

    private final int writers;
    private final int count;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong received = new AtomicLong();
    private final List<Future<?>> writing = new ArrayList<>();
    private Future<Account> reading;
    private volatile boolean lastEnd;

    /** What the reader saw. */
    record Account(long received, long unique, long duplicates, long lost, long reordered, List<String> problems) {
        /** Exactly once, in each writer's order, nothing torn. */
        void exactlyOnce() {
            org.assertj.core.api.Assertions.assertThat(problems).as("torn or foreign messages").isEmpty();
            org.assertj.core.api.Assertions.assertThat(reordered).as("messages after a later one of their writer").isZero();
            org.assertj.core.api.Assertions.assertThat(duplicates).as("duplicates").isZero();
            org.assertj.core.api.Assertions.assertThat(lost).as("lost").isZero();
        }
    }

    Traffic(int writers, int count) {
        this.writers = writers;
        this.count = count;
    }

    static byte[] payload(int writer, int n) {
        int len = 8 + (n * 31 + writer * 7) % 200;
        byte[] p = new byte[len];
        ByteBuffer.wrap(p).putInt(writer).putInt(n);
        for (int i = 8; i < len; i++) {
            p[i] = (byte) (writer * 131 + n * 17 + i);
        }
        return p;
    }

    /** {@return messages the reader has received so far} */
    long received() {
        return received.get();
    }

    /**
     * Reads {@code out} until every message has arrived at least once and the stream ends, or
     * until {@code limit}; a writer of {@code out} that goes away (a receiving bridge killed) is
     * waited for again.
     */
    void read(Path out, Duration limit) {
        read(out, limit, 0);
    }

    /** As {@link #read(Path, Duration)}, pausing after each of the first {@code slowFor} messages (a slow reader). */
    void read(Path out, Duration limit, long slowFor) {
        long total = (long) writers * count;
        reading = threads.submit(() -> {
            long end = System.nanoTime() + limit.toNanos();
            BitsPerWriter seen = new BitsPerWriter(writers, count);
            List<String> problems = new ArrayList<>();
            int[] last = new int[writers];
            Arrays.fill(last, -1);
            long dups = 0;
            long reordered = 0;
            try (FifoReader fifo = FifoReader.open(out, ReaderOptions.defaults().timeout(OPEN));
                 MessageReader r = MessageReader.of(fifo, Framing.MESG)) {
                while (System.nanoTime() < end) {
                    Message m = r.receive();
                    if (m == null) {
                        if (seen.unique() >= total || lastEnd || !nextWriter(fifo, end)) {
                            break;
                        }
                        continue;
                    }
                    if (received.incrementAndGet() <= slowFor) {
                        Thread.sleep(1);
                    }
                    ByteBuffer b = ByteBuffer.wrap(m.payload());
                    int w = m.payload().length >= 8 ? b.getInt() : -1;
                    int n = m.payload().length >= 8 ? b.getInt() : -1;
                    if (w < 0 || w >= writers || n < 0 || n >= count || !Arrays.equals(m.payload(), payload(w, n))
                            || m.type() != w) {
                        note(problems, "torn or foreign message: " + m);
                        continue;
                    }
                    if (!seen.add(w, n)) {
                        dups++;
                    } else if (n < last[w]) {
                        reordered++;
                    }
                    last[w] = Math.max(last[w], n);
                }
            }
            return new Account(received.get(), seen.unique(), dups, total - seen.unique(), reordered, problems);
        });
    }

    /**
     * After an end of stream: waits for the sink's next writer, a little at a time to see
     * {@link #endIsFinal()}; false when there will be none (or the deadline passed).
     */
    private boolean nextWriter(FifoReader fifo, long end) throws java.io.IOException {
        while (System.nanoTime() < end) {
            try {
                fifo.awaitNextWriter(Duration.ofMillis(200));
                return true;
            } catch (dev.fifokit.PeerTimeoutException none) {
                if (lastEnd) {
                    return false;
                }
            }
        }
        return false;
    }

    private static void note(List<String> problems, String p) {
        if (problems.size() < 20) {
            problems.add(p);
        }
    }

    /** Starts the writers, each with its own end of {@code in}, {@code pause} between messages. */
    void write(Path in, Duration pause) {
        for (int w = 0; w < writers; w++) {
            int id = w;
            writing.add(threads.submit(() -> {
                try (FifoWriter end = FifoWriter.open(in, WriterOptions.defaults().timeout(OPEN));
                     MessageWriter mw = MessageWriter.of(end, Framing.MESG)) {
                    for (int n = 0; n < count; n++) {
                        mw.send(id, payload(id, n));
                        if (!pause.isZero()) {
                            Thread.sleep(pause);
                        }
                    }
                }
                return null;
            }));
        }
    }

    /**
     * The next end of stream is the last (the sink's last writer has finished): the reader stops
     * there even if messages are missing (a test of what a death loses).
     */
    void endIsFinal() {
        lastEnd = true;
    }

    /** Waits for the writers (each must have written everything). */
    void awaitWriters(Duration limit) throws Exception {
        for (Future<?> f : writing) {
            f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Waits until the reader has received {@code n} messages. */
    void awaitReceived(long n, Duration limit) throws InterruptedException {
        dev.fifokit.testing.Await.until(limit, received + " of " + n + " messages received", () -> received.get() >= n);
    }

    Account account(Duration limit) throws Exception {
        return reading.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        threads.shutdownNow();
        threads.close();
    }

    /** Which sequence numbers of each writer arrived. */
    private static final class BitsPerWriter {
        private final java.util.BitSet[] bits;
        private long unique;

        BitsPerWriter(int writers, int count) {
            bits = new java.util.BitSet[writers];
            for (int i = 0; i < writers; i++) {
                bits[i] = new java.util.BitSet(count);
            }
        }

        boolean add(int w, int n) {
            if (bits[w].get(n)) {
                return false;
            }
            bits[w].set(n);
            unique++;
            return true;
        }

        long unique() {
            return unique;
        }
    }
}
