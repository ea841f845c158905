package dev.fifokit.bridge;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FIFO → bridge → loopback TCP → bridge → FIFO: what goes in one FIFO comes out of the other,
 * bytes identical in raw, messages identical (types and payloads) in mesg and line.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeEndToEndTest {
    static final Duration LIMIT = Duration.ofSeconds(40);

    static final java.util.function.Consumer<String> LOG = m -> System.err.println("bridge: " + m);

    @TempDir
    Path dir;

    @Test
    void rawBytesArriveIdentical() throws Exception {
        byte[] data = new byte[3 << 20];
        new SplittableRandom(7).nextBytes(data);
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:0"),
                     BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults().log(LOG)).start();
             FifoBridge near = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("tcp:127.0.0.1:" + far.localPort()), BridgeOptions.defaults().log(LOG)).start();
             ExecutorService ex = Fifos.threads()) {
            Future<byte[]> read = ex.submit(() -> {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                try (FifoReader r = FifoReader.open(out.path(), ReaderOptions.defaults().timeout(Fifos.OPEN))) {
                    byte[] b = new byte[65536];
                    for (int n; (n = r.read(b, 0, b.length)) >= 0; ) {
                        got.write(b, 0, n);
                    }
                }
                return got.toByteArray();
            });
            try (FifoWriter w = FifoWriter.open(in.path(), WriterOptions.defaults().timeout(Fifos.OPEN))) {
                for (int off = 0; off < data.length; off += 10_000) {
                    w.write(data, off, Math.min(10_000, data.length - off));
                }
            }
            assertThat(near.await(LIMIT)).isTrue();
            assertThat(Fifos.get(read, LIMIT)).isEqualTo(data);
        }
    }

    @Test
    void mesgMessagesArriveIdenticalWithTheirTypes() throws Exception {
        List<Message> sent = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 2000; i++) {
            int len = i == 0 ? 0 : i == 1 ? 4080 : rnd.nextInt(300);
            byte[] p = new byte[len];
            rnd.nextBytes(p);
            sent.add(new Message(rnd.nextLong(), p));
        }
        assertThat(roundTrip(Framing.MESG, BridgeFormat.MESG, sent)).isEqualTo(sent);
    }

    @Test
    void lineMessagesArriveIdenticalEscapesIncluded() throws Exception {
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            sent.add(Message.of(Framing.LINE_TYPE, "line " + i + (i % 3 == 0 ? " with \\ and \n inside" : "")
                    + (i % 7 == 0 ? "" : " é€")));
        }
        sent.add(new Message(Framing.LINE_TYPE, new byte[0]));
        assertThat(roundTrip(Framing.LINE, BridgeFormat.LINE, sent)).isEqualTo(sent);
    }

    @Test
    void theListenerMaySendAndTheConnectorReceive() throws Exception {
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            sent.add(Message.of(i, "m" + i));
        }
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge server = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("tcp-listen:[::1]:0"), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)).start();
             FifoBridge client = FifoBridge.of(BridgeAddress.parse("tcp:[::1]:" + server.localPort()),
                     BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)).start();
             ExecutorService ex = Fifos.threads()) {
            Future<List<Message>> read = Fifos.readAll(ex, out.path(), Framing.MESG);
            Fifos.get(Fifos.writeAll(ex, in.path(), Framing.MESG, sent), LIMIT);
            assertThat(client.await(LIMIT)).isTrue();
            assertThat(Fifos.get(read, LIMIT)).isEqualTo(sent);
        }
    }

    @Test
    void unixSocketsCarryMessagesToo() throws Exception {
        List<Message> sent = List.of(Message.of(1, "one"), Message.of(2, "two"), Message.of(3, ""));
        Path sock = dir.resolve("bridge.sock");
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = FifoBridge.of(BridgeAddress.parse("unix-listen:" + sock),
                     BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)).start();
             FifoBridge near = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("unix:" + sock), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)).start();
             ExecutorService ex = Fifos.threads()) {
            Future<List<Message>> read = Fifos.readAll(ex, out.path(), Framing.MESG);
            Fifos.get(Fifos.writeAll(ex, in.path(), Framing.MESG, sent), LIMIT);
            assertThat(near.await(LIMIT)).isTrue();
            assertThat(Fifos.get(read, LIMIT)).isEqualTo(sent);
            far.close();
            assertThat(sock).doesNotExist();
        }
    }

    @Test
    void differentFormatsOnTheTwoSidesAreRefusedNotRetried() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:0"),
                     BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults().format(BridgeFormat.LINE).log(LOG)).start();
             FifoBridge near = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("tcp:127.0.0.1:" + far.localPort()), BridgeOptions.defaults().format(BridgeFormat.MESG)
                     .reconnect(true).log(LOG)).start()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> near.await(LIMIT))
                    .isInstanceOf(BridgeException.class)
                    .hasMessageContaining("--format mesg")
                    .hasMessageContaining("--format line");
        }
    }

    @Test
    void aRefusedConnectionEndsTheBridgeWithoutReconnect() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             FifoBridge near = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("tcp:127.0.0.1:" + port), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)).start()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> near.await(LIMIT))
                    .isInstanceOf(BridgeException.class)
                    .hasMessageContaining("connection refused");
        }
    }

    @Test
    void severalClientsSendIntoOneListeningBridge() throws Exception {
        int clients = 3;
        int each = 2000;
        try (Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:0"),
                     BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)).start();
             ExecutorService ex = Fifos.threads()) {
            Future<List<Message>> read = ex.submit(() -> {
                List<Message> got = new ArrayList<>();
                try (FifoReader end = FifoReader.open(out.path(), ReaderOptions.defaults().timeout(Fifos.OPEN));
                     dev.fifokit.messages.MessageReader in = dev.fifokit.messages.MessageReader.of(end, Framing.MESG)) {
                    while (got.size() < clients * each) {
                        Message m = in.receive();
                        if (m == null) {
                            // every client that had connected so far was done: wait for the next
                            end.awaitNextWriter(Fifos.OPEN);
                        } else {
                            got.add(m);
                        }
                    }
                }
                return got;
            });
            List<FifoBridge> nears = new ArrayList<>();
            List<Fifo> ins = new ArrayList<>();
            try {
                List<Future<Void>> writes = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    Fifo in = Fifo.create(dir.resolve("in" + c + ".fifo"));
                    ins.add(in);
                    nears.add(FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                            BridgeAddress.parse("tcp:127.0.0.1:" + far.localPort()), BridgeOptions.defaults().format(BridgeFormat.MESG)
                            .log(LOG)).start());
                    List<Message> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        mine.add(Message.of(c, c + ":" + i));
                    }
                    writes.add(Fifos.writeAll(ex, in.path(), Framing.MESG, mine));
                }
                for (Future<Void> w : writes) {
                    Fifos.get(w, LIMIT);
                }
                for (FifoBridge n : nears) {
                    assertThat(n.await(LIMIT)).isTrue();
                }
                List<Message> got = Fifos.get(read, LIMIT);
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    List<String> texts = got.stream().filter(m -> m.type() == client).map(Message::text).toList();
                    assertThat(texts).hasSize(each);
                    for (int i = 0; i < each; i++) {
                        assertThat(texts.get(i)).isEqualTo(c + ":" + i);
                    }
                }
                assertThat(far.stats().connections()).isEqualTo(clients);
            } finally {
                for (FifoBridge n : nears) {
                    n.close();
                }
                for (Fifo f : ins) {
                    f.close();
                }
            }
        }
    }

    @Test
    void whenTheSinkReaderGoesAwayTheNextReaderGetsTheRestNoneLostOrTwice() throws Exception {
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            sent.add(Message.of(i, "message " + i));
        }
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:0"),
                     BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)).start();
             FifoBridge near = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("tcp:127.0.0.1:" + far.localPort()), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)
                     ).start();
             ExecutorService ex = Fifos.threads()) {
            Future<Void> writing = Fifos.writeAll(ex, in.path(), Framing.MESG, sent);
            List<Message> got = new ArrayList<>();
            // the first reader takes 500 messages, exactly (no read past them), and leaves
            try (FifoReader first = FifoReader.open(out.path(), ReaderOptions.defaults().timeout(Fifos.OPEN))) {
                for (int i = 0; i < 500; i++) {
                    byte[] header = readExactly(first, 16);
                    java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(header).order(java.nio.ByteOrder.nativeOrder());
                    int len = (int) h.getLong(0);
                    got.add(new Message(h.getLong(8), readExactly(first, len)));
                }
            }
            Thread.sleep(300); // the bridge finds the reader gone and waits for the next one
            got.addAll(Fifos.get(Fifos.readAll(ex, out.path(), Framing.MESG), LIMIT));
            Fifos.get(writing, LIMIT);
            assertThat(near.await(LIMIT)).isTrue();
            assertThat(got).isEqualTo(sent);
        }
    }

    private static byte[] readExactly(FifoReader r, int n) throws java.io.IOException {
        byte[] b = new byte[n];
        for (int off = 0; off < n; ) {
            int k = r.read(b, off, n - off);
            if (k < 0) {
                throw new java.io.EOFException("end of stream after " + off + " of " + n + " bytes");
            }
            off += k;
        }
        return b;
    }

    @Test
    void twoLocalFifosAreJoinedWithoutASocketRawAndMesg() throws Exception {
        byte[] data = new byte[1 << 20];
        new SplittableRandom(3).nextBytes(data);
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge copy = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults()).start();
             ExecutorService ex = Fifos.threads()) {
            Future<byte[]> read = ex.submit(() -> {
                try (FifoReader r = FifoReader.open(out.path(), ReaderOptions.defaults().timeout(Fifos.OPEN))) {
                    return r.inputStream().readAllBytes();
                }
            });
            try (FifoWriter w = FifoWriter.open(in.path(), WriterOptions.defaults().timeout(Fifos.OPEN))) {
                w.write(data);
            }
            assertThat(copy.await(LIMIT)).isTrue();
            assertThat(Fifos.get(read, LIMIT)).isEqualTo(data);
            assertThat(copy.stats().bytesCopied()).isEqualTo(data.length);
        }
        List<Message> sent = List.of(Message.of(5, "five"), Message.of(6, ""), Message.of(7, "seven"));
        try (Fifo in = Fifo.create(dir.resolve("in2.fifo"));
             Fifo out = Fifo.create(dir.resolve("out2.fifo"));
             FifoBridge copy = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults().format(BridgeFormat.MESG)).start();
             ExecutorService ex = Fifos.threads()) {
            Future<List<Message>> read = Fifos.readAll(ex, out.path(), Framing.MESG);
            Fifos.get(Fifos.writeAll(ex, in.path(), Framing.MESG, sent), LIMIT);
            assertThat(copy.await(LIMIT)).isTrue();
            assertThat(Fifos.get(read, LIMIT)).isEqualTo(sent);
        }
    }

    @Test
    void aListenerThatSendsGivesEachMessageToExactlyOneOfItsClients() throws Exception {
        int clients = 3;
        int count = 3000;
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(Message.of(i, "m" + i));
        }
        List<FifoBridge> receivers = new ArrayList<>();
        List<FifoReader> readers = new ArrayList<>();
        List<Fifo> outs = new ArrayList<>();
        java.util.Queue<Message> got = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             FifoBridge server = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("tcp-listen:127.0.0.1:0"), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)).start();
             ExecutorService ex = Fifos.threads()) {
            try {
                List<Future<?>> reading = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    Fifo out = Fifo.create(dir.resolve("out" + c + ".fifo"));
                    outs.add(out);
                    FifoReader r = FifoReader.open(out.path(), ReaderOptions.defaults().awaitWriter(false));
                    readers.add(r);
                    reading.add(ex.submit(() -> {
                        long last = -1;
                        try (dev.fifokit.messages.MessageReader mr = dev.fifokit.messages.MessageReader.of(r, Framing.MESG)) {
                            for (Message m; (m = mr.receive()) != null; ) {
                                assertThat(m.type()).as("each client's share arrives in order").isGreaterThan(last);
                                last = m.type();
                                got.add(m);
                            }
                        } catch (dev.fifokit.FifoClosedException done) {
                            // the test closed this reader once every message had arrived
                        }
                        return null;
                    }));
                    receivers.add(FifoBridge.of(BridgeAddress.parse("tcp:127.0.0.1:" + server.localPort()),
                            BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults().format(BridgeFormat.MESG).log(LOG)).start());
                }
                dev.fifokit.testing.Await.until(LIMIT, "every client connected",
                        () -> server.stats().connections() == clients);
                Fifos.get(Fifos.writeAll(ex, in.path(), Framing.MESG, sent), LIMIT);
                dev.fifokit.testing.Await.until(LIMIT, "every message arrived", () -> got.size() >= count);
                Thread.sleep(200); // a duplicate would arrive about now
                for (FifoReader r : readers) {
                    r.close();
                }
                for (Future<?> f : reading) {
                    Fifos.get(f, LIMIT);
                }
                assertThat(got).hasSize(count);
                assertThat(got.stream().map(Message::type).sorted().toList())
                        .isEqualTo(sent.stream().map(Message::type).toList());
            } finally {
                for (FifoBridge b : receivers) {
                    b.close();
                }
                for (FifoReader r : readers) {
                    r.close();
                }
                for (Fifo f : outs) {
                    f.close();
                }
            }
        }
    }

    private List<Message> roundTrip(Framing framing, BridgeFormat format, List<Message> sent) throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:0"),
                     BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults().format(format).log(LOG)).start();
             FifoBridge near = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("tcp:127.0.0.1:" + far.localPort()), BridgeOptions.defaults().format(format).log(LOG)).start();
             ExecutorService ex = Fifos.threads()) {
            Future<List<Message>> read = Fifos.readAll(ex, out.path(), framing);
            Fifos.get(Fifos.writeAll(ex, in.path(), framing, sent), LIMIT);
            assertThat(near.await(LIMIT)).isTrue();
            List<Message> got = Fifos.get(read, LIMIT);
            assertThat(near.stats().bufferedMessages()).isZero();
            assertThat(far.stats().messagesDelivered()).isEqualTo(sent.size());
            return got;
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
