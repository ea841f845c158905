package dev.fifokit.bridge;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.PipeOptions;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What the bridge promises under load and faults: several writers stay un-torn end to end, a
 * link cut mid-stream loses and duplicates nothing, and a far side that stops reading pushes
 * back to the writers instead of growing memory.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BridgeReliabilityTest {
    static final java.util.function.Consumer<String> LOG = m -> System.err.println("bridge: " + m);
    static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void eightWritersTimesTenThousandMessagesCrossTwoBridgesNoneTornLostOrDuplicated() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:0"),
                     BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)).start();
             FifoBridge near = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("tcp:127.0.0.1:" + far.localPort()), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)
                     ).start()) {
            long t0 = System.nanoTime();
            Result r = pump(in.path(), out.path(), 8, 10_000, null);
            assertThat(near.await(LIMIT)).isTrue();
            System.err.printf("8 x 10000 messages through two bridges in %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            r.check();
        }
    }

    @Test
    void theLinkCutAndRestoredMidStreamLosesAndDuplicatesNothing() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:0"),
                     BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)).start();
             TcpProxy proxy = new TcpProxy(far.localPort());
             FifoBridge near = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("tcp:127.0.0.1:" + proxy.port()), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)
                     .reconnect(true).backoff(Duration.ofMillis(10), Duration.ofMillis(200))
                     .replayLimit(256, 1 << 20)).start()) {
            Result r = pump(in.path(), out.path(), 4, 10_000, () -> {
                // cut the link six times while messages flow, once with the far side unreachable for a while
                for (int cut = 0; cut < 6; cut++) {
                    Thread.sleep(150);
                    if (cut == 3) {
                        proxy.refuse(true);
                        proxy.cut();
                        Thread.sleep(500);
                        proxy.refuse(false);
                    } else {
                        proxy.cut();
                    }
                }
            });
            assertThat(near.await(LIMIT)).isTrue();
            r.check();
            BridgeStats ns = near.stats();
            BridgeStats fs = far.stats();
            System.err.println("after cuts: near " + ns + "; far " + fs + "; connections through the proxy "
                    + proxy.accepted());
            assertThat(proxy.accepted()).as("the connector dialled again after the cuts").isGreaterThan(1);
            assertThat(fs.messagesDelivered()).isEqualTo(4 * 10_000);
        }
    }

    @Test
    void aFarSideThatStopsReadingBlocksTheWritersAndTheReplayBufferStaysBounded() throws Exception {
        int limitBytes = 64 * 1024;
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:0"),
                     BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)).start();
             FifoBridge near = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("tcp:127.0.0.1:" + far.localPort()), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)
                     .replayLimit(64, limitBytes)).start();
             // the far FIFO's reader opens and then reads nothing
             FifoReader stalled = FifoReader.open(out.path(), ReaderOptions.defaults().awaitWriter(false));
             FifoWriter w = FifoWriter.open(in.path(), WriterOptions.defaults().timeout(Fifos.OPEN).io(PipeOptions.defaults().nonBlocking()))) {
            byte[] frame = new byte[16 + 1000];
            ByteBuffer h = ByteBuffer.wrap(frame).order(ByteOrder.nativeOrder());
            h.putLong(0, 1000);
            long written = 0;
            long blockedSince = 0;
            while (true) {
                h.putLong(8, written);
                int n = w.write(frame);
                if (n == frame.length) {
                    written++;
                    blockedSince = 0;
                    if (written > 200_000) {
                        fail("200 000 messages (200 MB) went in without the writer ever blocking");
                    }
                } else {
                    assertThat(n).as("a message of at most PIPE_BUF goes in whole or not at all").isZero();
                    if (blockedSince == 0) {
                        blockedSince = System.nanoTime();
                    } else if (System.nanoTime() - blockedSince > TimeUnit.SECONDS.toNanos(2)) {
                        break; // blocked for 2 s: the backpressure reached the writer
                    }
                    Thread.sleep(5);
                }
            }
            BridgeStats s = near.stats();
            System.err.println("writer blocked after " + written + " messages; near " + s);
            assertThat(s.bufferedBytes()).isLessThanOrEqualTo(limitBytes + 1000);
            assertThat(s.peakBufferedBytes()).isLessThanOrEqualTo(limitBytes + 1000);
            assertThat(s.bufferedMessages()).isLessThanOrEqualTo(64);
            w.close();

            // the reader wakes up: every message arrives, in order
            long got = 0;
            try (MessageReader r = MessageReader.of(stalled, Framing.MESG)) {
                for (Message m; (m = r.receive()) != null; ) {
                    assertThat(m.type()).isEqualTo(got);
                    got++;
                }
            }
            assertThat(got).isEqualTo(written);
            assertThat(near.await(LIMIT)).isTrue();
        }
    }

    @Test
    void aReceivingConnectorResumesItsSessionWithASendingListenerAcrossCuts() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge server = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("tcp-listen:127.0.0.1:0"), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)
                     .replayLimit(256, 1 << 20)).start();
             TcpProxy proxy = new TcpProxy(server.localPort());
             FifoBridge client = FifoBridge.of(BridgeAddress.parse("tcp:127.0.0.1:" + proxy.port()),
                     BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)
                     .reconnect(true).backoff(Duration.ofMillis(10), Duration.ofMillis(200))).start()) {
            Result r = pump(in.path(), out.path(), 4, 10_000, () -> {
                for (int cut = 0; cut < 6; cut++) {
                    Thread.sleep(150);
                    proxy.cut();
                }
            });
            assertThat(client.await(LIMIT)).isTrue();
            r.check();
            System.err.println("listener sending, after cuts: server " + server.stats() + "; client " + client.stats());
            assertThat(proxy.accepted()).isGreaterThan(1);
        }
    }

    // ---- many writers through a bridge ----

    interface Disturbance {
        void run() throws Exception;
    }

    /** What the reader saw. */
    record Result(int writers, int count, List<String> problems, long received) {
        void check() {
            assertThat(problems).as("torn, lost, duplicated or reordered messages").isEmpty();
            assertThat(received).isEqualTo((long) writers * count);
        }
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

    /**
     * {@code writers} threads, each with its own end, send {@code count} mesg messages into
     * {@code in}; one reader checks every message from {@code out}. An extra write end holds
     * {@code in} open until every writer is done, so the source ends only after the last.
     */
    static Result pump(Path in, Path out, int writers, int count, Disturbance disturbance) throws Exception {
        try (ExecutorService ex = Fifos.threads()) {
            Future<Result> reader = ex.submit(() -> {
                int[] next = new int[writers];
                List<String> problems = new ArrayList<>();
                long received = 0;
                try (FifoReader end = FifoReader.open(out, ReaderOptions.defaults().timeout(Fifos.OPEN));
                     MessageReader r = MessageReader.of(end, Framing.MESG)) {
                    for (Message m; (m = r.receive()) != null; ) {
                        received++;
                        ByteBuffer b = ByteBuffer.wrap(m.payload());
                        int w = m.payload().length >= 8 ? b.getInt() : -1;
                        int n = m.payload().length >= 8 ? b.getInt() : -1;
                        if (w < 0 || w >= writers || !java.util.Arrays.equals(m.payload(), payload(w, n))
                                || m.type() != w) {
                            if (problems.size() < 20) {
                                problems.add("torn or foreign message: " + m);
                            }
                            continue;
                        }
                        if (n != next[w] && problems.size() < 20) {
                            problems.add("writer " + w + ": expected message " + next[w] + ", got " + n
                                    + (n < next[w] ? " (duplicate)" : " (lost some)"));
                        }
                        next[w] = n + 1;
                    }
                }
                for (int w = 0; w < writers; w++) {
                    if (next[w] != count) {
                        problems.add("writer " + w + ": last message " + (next[w] - 1) + " of " + count);
                    }
                }
                return new Result(writers, count, problems, received);
            });
            AtomicBoolean failed = new AtomicBoolean();
            try (FifoWriter keeper = FifoWriter.open(in, WriterOptions.defaults().timeout(Fifos.OPEN))) {
                List<Future<?>> sending = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int id = w;
                    sending.add(ex.submit(() -> {
                        try (FifoWriter end = FifoWriter.open(in, WriterOptions.defaults().timeout(Fifos.OPEN));
                             MessageWriter mw = MessageWriter.of(end, Framing.MESG)) {
                            for (int n = 0; n < count; n++) {
                                mw.send(id, payload(id, n));
                            }
                        } catch (Exception e) {
                            failed.set(true);
                            throw e;
                        }
                        return null;
                    }));
                }
                if (disturbance != null) {
                    disturbance.run();
                }
                for (Future<?> f : sending) {
                    Fifos.get(f, LIMIT);
                }
                assertThat(keeper.isOpen()).isTrue();
            }
            assertThat(failed).isFalse();
            return Fifos.get(reader, LIMIT);
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
