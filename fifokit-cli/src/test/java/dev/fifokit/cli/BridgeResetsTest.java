package dev.fifokit.cli;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bridge processes whose link a fault-injecting proxy resets, blackholes and refuses: eight
 * writers' messages cross exactly once through six resets whichever side dials; a listener
 * that sends gives the next message to the next client after one leaves; messages lost on the
 * wire are replayed as soon as the link is back, even while the source is silent.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BridgeResetsTest {
    static final Duration LIMIT = Duration.ofSeconds(150);
    static final int WRITERS = 8;
    static final int EACH = 2000;

    @TempDir
    Path dir;

    /** A writer end that keeps {@code in} open (the source must not end between writers), opened in the background. */
    private static CompletableFuture<FifoWriter> keeper(Path in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return FifoWriter.open(in, WriterOptions.defaults().timeout(Traffic.OPEN));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    }

    /**
     * Eight writers' messages from {@code in} to {@code out}, the link through {@code proxy} reset
     * six times, each after another seventh of the messages has arrived; the source ends after
     * the last writer, and {@code ending} (the side that ends by itself) must exit 0.
     */
    private static void crossSixResets(Path in, Path out, FaultProxy proxy, BridgeProcess ending) throws Exception {
        try (Traffic t = new Traffic(WRITERS, EACH)) {
            CompletableFuture<FifoWriter> keeper = keeper(in);
            t.read(out, LIMIT);
            t.write(in, Duration.ZERO);
            long total = (long) WRITERS * EACH;
            for (int i = 1; i <= 6; i++) {
                t.awaitReceived(total * i / 7, LIMIT);
                proxy.reset();
            }
            t.awaitWriters(LIMIT);
            keeper.get(60, TimeUnit.SECONDS).close();
            assertThat(ending.exit(LIMIT)).as(ending.stderr()).isZero();
            t.account(LIMIT).exactlyOnce();
        }
    }

    @Test
    void eightWritersCrossSixResetsOfADiallingSendersLinkExactlyOnce() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             BridgeProcess far = BridgeProcess.start("--format", "mesg", "tcp-listen:127.0.0.1:0", "fifo:" + out.path());
             FaultProxy proxy = new FaultProxy(far.port());
             BridgeProcess near = BridgeProcess.start("--format", "mesg", "--reconnect", "fifo:" + in.path(),
                     "tcp:127.0.0.1:" + proxy.port())) {
            crossSixResets(in.path(), out.path(), proxy, near);
            assertThat(proxy.accepted()).as("dialled again after each reset").isGreaterThanOrEqualTo(7);
            assertThat(near.count("dialling again")).isGreaterThanOrEqualTo(6);
            assertThat(far.terminate()).isZero();
        }
    }

    @Test
    void eightWritersCrossSixResetsOfAListeningSendersLinkExactlyOnce() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             BridgeProcess near = BridgeProcess.start("--format", "mesg", "fifo:" + in.path(), "tcp-listen:127.0.0.1:0");
             FaultProxy proxy = new FaultProxy(near.port());
             BridgeProcess far = BridgeProcess.start("--format", "mesg", "--reconnect", "tcp:127.0.0.1:" + proxy.port(),
                     "fifo:" + out.path())) {
            crossSixResets(in.path(), out.path(), proxy, far);
            assertThat(near.count("session resumed")).as("the client came back to its session").isGreaterThanOrEqualTo(6);
            assertThat(near.isAlive()).as("a reset never ends the listener").isTrue();
            assertThat(near.terminate()).isZero();
        }
    }

    @Test
    void aListenerThatSendsGivesTheNextMessageToTheNextClientAfterOneLeaves() throws Exception {
        // a resume window of 0: a client that vanishes is not waited for (what it may have
        // written without acknowledging goes to the next client at once, and comes twice)
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             BridgeProcess near = BridgeProcess.start("--format", "mesg", "--resume-window", "0s", "fifo:" + in.path(),
                     "tcp-listen:127.0.0.1:0")) {
            int port = near.port();
            CompletableFuture<FifoWriter> keeper = keeper(in.path());
            MessageWriter w = null;
            String previous = null;
            try {
                for (int client = 0; client < 3; client++) {
                    Path out = dir.resolve("out" + client + ".fifo");
                    try (Fifo o = Fifo.create(out);
                         BridgeProcess c = BridgeProcess.start("--format", "mesg", "tcp:127.0.0.1:" + port, "fifo:" + out);
                         // the client opens its FIFO at its first message: do not wait for it here
                         FifoReader r = FifoReader.open(out, ReaderOptions.defaults().awaitWriter(false));
                         MessageReader mr = MessageReader.of(r, Framing.MESG)) {
                        if (w == null) {
                            w = MessageWriter.of(keeper.get(60, TimeUnit.SECONDS), Framing.MESG);
                        }
                        String text = "message " + client;
                        w.send(client, text.getBytes(StandardCharsets.UTF_8));
                        Message m = CompletableFuture.supplyAsync(() -> receive(mr)).get(60, TimeUnit.SECONDS);
                        if (client == 2 && m.text().equals(previous)) {
                            // the killed client's last message, which it may not have acknowledged
                            m = CompletableFuture.supplyAsync(() -> receive(mr)).get(60, TimeUnit.SECONDS);
                        }
                        assertThat(m.text()).as("client %d gets the message written after the last one left", client)
                                .isEqualTo(text);
                        previous = text;
                        long gone = near.count(": left") + near.count("closed the connection");
                        if (client == 1) {
                            c.kill(); // a client that dies
                        } else {
                            assertThat(c.terminate()).as("a client that leaves cleanly").isZero();
                        }
                        dev.fifokit.testing.Await.until(LIMIT, "the listener saw client " + client + " go",
                                () -> near.count(": left") + near.count("closed the connection") > gone);
                    }
                }
            } finally {
                if (w != null) {
                    w.close();
                }
            }
            assertThat(near.terminate()).as(near.stderr()).isZero();
        }
    }

    private static Message receive(MessageReader r) {
        try {
            return r.receive();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void messagesLostOnTheWireAreReplayedWhenTheLinkIsBackThoughTheSourceIsSilent() throws Exception {
        List<Message> got = new CopyOnWriteArrayList<>();
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             BridgeProcess far = BridgeProcess.start("--format", "mesg", "tcp-listen:127.0.0.1:0", "fifo:" + out.path());
             FaultProxy proxy = new FaultProxy(far.port());
             BridgeProcess near = BridgeProcess.start("--format", "mesg", "--reconnect", "--grace", "30s",
                     "fifo:" + in.path(), "tcp:127.0.0.1:" + proxy.port())) {
            CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> readInto(out.path(), got));
            try (MessageWriter w = MessageWriter.of(keeper(in.path()).get(60, TimeUnit.SECONDS), Framing.MESG)) {
                w.send(1, "through".getBytes(StandardCharsets.UTF_8));
                dev.fifokit.testing.Await.until(LIMIT, "the first message", () -> got.size() == 1);

                // two messages vanish on the wire, then the link resets; the source says nothing more
                proxy.blackhole(true);
                w.send(2, "lost once".getBytes(StandardCharsets.UTF_8));
                w.send(3, "lost twice".getBytes(StandardCharsets.UTF_8));
                dev.fifokit.testing.Await.until(LIMIT, "both swallowed", () -> proxy.swallowed() >= 2 * (21 + 9));
                proxy.blackhole(false);
                proxy.reset();
                dev.fifokit.testing.Await.until(LIMIT, "both replayed", () -> got.size() == 3);
                assertThat(got).extracting(Message::text).containsExactly("through", "lost once", "lost twice");

                // again, and the far side stays unreachable while the sender is told to stop: it
                // delivers within its grace period once the link comes back
                proxy.blackhole(true);
                w.send(4, "in flight at the stop".getBytes(StandardCharsets.UTF_8));
                dev.fifokit.testing.Await.until(LIMIT, "swallowed", () -> proxy.swallowed() >= 2 * (21 + 9) + 21 + 21);
                proxy.refuse(true);
                proxy.blackhole(false);
                proxy.reset();
                near.process.destroy(); // SIGTERM
                Thread.sleep(1000);
                proxy.refuse(false);
                assertThat(near.exit(LIMIT)).as(near.stderr()).isZero();
                dev.fifokit.testing.Await.until(LIMIT, "delivered during the grace period", () -> got.size() == 4);
            }
            assertThat(far.terminate()).isZero();
            reading.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSenderStoppedWhileTheFarSideIsUnreachableSaysHowManyMessagesWereNotDelivered() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             BridgeProcess far = BridgeProcess.start("--format", "mesg", "tcp-listen:127.0.0.1:0", "fifo:" + out.path());
             FaultProxy proxy = new FaultProxy(far.port());
             BridgeProcess near = BridgeProcess.start("--format", "mesg", "--reconnect", "--grace", "1s",
                     "fifo:" + in.path(), "tcp:127.0.0.1:" + proxy.port());
             FifoReader reader = FifoReader.open(out.path(), ReaderOptions.defaults().awaitWriter(false))) {
            try (MessageWriter w = MessageWriter.of(keeper(in.path()).get(60, TimeUnit.SECONDS), Framing.MESG)) {
                proxy.blackhole(true);
                for (int i = 0; i < 3; i++) {
                    w.send(i, "never acknowledged".getBytes(StandardCharsets.UTF_8));
                }
                dev.fifokit.testing.Await.until(LIMIT, "swallowed", () -> proxy.swallowed() >= 3 * (21 + 18));
                proxy.refuse(true);
                proxy.reset();
                int status = near.terminate();
                assertThat(near.stderr()).contains("3 messages read from fifo:" + in.path() + " not acknowledged");
                assertThat(status).isEqualTo(ExitCodes.FAILURE);
            }
            assertThat(far.terminate()).isZero();
        }
    }

    private static void readInto(Path out, List<Message> got) {
        try (FifoReader r = FifoReader.open(out, ReaderOptions.defaults().timeout(Traffic.OPEN));
             MessageReader mr = MessageReader.of(r, Framing.MESG)) {
            for (Message m; (m = mr.receive()) != null; ) {
                got.add(m);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
