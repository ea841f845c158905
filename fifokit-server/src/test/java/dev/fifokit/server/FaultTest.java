package dev.fifokit.server;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.testing.Await;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Everything that breaks the textbook server (Stevens' one server, many clients; see docs/server-protocol.md): after each fault the server keeps
 * answering, promptly, and nothing it should not touch is touched.
 */
@Timeout(120)
class FaultTest {
    static final Duration PROMPT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;
    Path dir;
    FifoServer server;
    final List<String> log = Logs.list();
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean stopIgnoring;

    /** "echo" replies with the request; "wait" waits for the test; "hang" ignores interrupts; "boom" throws; "flood" sends 1 MiB. */
    final RequestHandler handler = (req, reply) -> {
        switch (req.text()) {
            case "wait" -> {
                release.await();
                reply.send("released");
            }
            case "hang" -> {
                while (!stopIgnoring) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ignored) {
                        // a handler that ignores its deadline
                    }
                }
            }
            case "block" -> new CountDownLatch(1).await();
            case "boom" -> throw new IllegalStateException("boom");
            case "flood" -> {
                byte[] chunk = new byte[4000];
                for (int i = 0; i < 256; i++) {
                    reply.send(chunk);
                }
            }
            default -> reply.send("echo:" + req.text());
        }
    };

    @BeforeEach
    void start() throws Exception {
        dir = tmp.resolve("srv");
        server = FifoServer.bind(dir, handler, Logs.into(log).requestDeadline(Duration.ofMillis(800)));
    }

    @AfterEach
    void stop() {
        stopIgnoring = true;
        release.countDown();
        server.close();
    }

    void assertServing() throws Exception {
        long id = FifoClient.uniqueId();
        byte[] r = FifoClient.of(dir).id(id).timeout(PROMPT).request(("ping" + id).getBytes(UTF_8));
        assertThat(new String(r, UTF_8)).isEqualTo("echo:ping" + id);
    }

    @Test
    void clientKilledAfterSending() throws Exception {
        server.close(); // this one needs a deadline longer than the test's steps
        server = FifoServer.bind(dir, handler, Logs.into(log).requestDeadline(Duration.ofSeconds(30)));
        Path exe = Examples.cClient(tmp);
        try (Processes ps = new Processes()) {
            Process client = ps.start(exe.toString(), dir.toString(), "wait");
            Await.until(PROMPT, "request received", () -> server.stats().received() == 1);
            client.destroyForcibly();
            assertThat(client.waitFor(5, TimeUnit.SECONDS)).isTrue();
            Path fifo = dir.resolve("client." + client.pid() + ".fifo");
            assertThat(Files.exists(fifo)).as("the killed client's FIFO is left behind").isTrue();
            release.countDown();
            Await.until(PROMPT, "request dropped", () -> server.stats().dropped() == 1);
            assertThat(Files.exists(fifo)).as("stale FIFO removed").isFalse();
        }
        assertServing();
        assertThat(log).anyMatch(l -> l.contains("went away") || l.contains("nobody reads"));
    }

    @Test
    void clientThatCreatesButNeverOpensItsFifo() throws Exception {
        long id = FifoClient.uniqueId();
        Path fifo = ServerProtocol.clientFifo(dir, id);
        try (Fifo _ = Fifo.create(fifo, 0600)) {
            RawClient.writeRaw(dir, RawClient.frame(id, "never opened".getBytes(UTF_8)));
            Await.until(PROMPT, "request dropped", () -> server.stats().dropped() == 1);
            assertServing();
            assertThat(Files.exists(fifo)).as("abandoned FIFO removed").isFalse();
        }
        assertThat(log).anyMatch(l -> l.contains("client " + id) && l.contains("nobody reads"));
    }

    @Test
    void requestForAClientWithoutAnyFifoIsGarbage() throws Exception {
        // a client makes its reply FIFO before it sends: a frame naming none is not a request
        RawClient.writeRaw(dir, RawClient.frame(FifoClient.uniqueId(), "x".getBytes(UTF_8)));
        Await.until(PROMPT, "garbage counted", () -> server.stats().garbageBytes() == 17);
        assertServing();
        assertThat(server.stats().dropped()).isZero();
    }

    @Test
    void plainTextIsDiscardedAsAPartialFrame() throws Exception {
        RawClient.writeRaw(dir, "hello\n".getBytes(UTF_8));
        Await.until(PROMPT, "garbage logged", () -> server.stats().garbageBytes() == 6);
        assertThat(log).anyMatch(l -> l.contains("discarded 6 bytes at offset 0") && l.contains("partial frame"));
        assertServing();
    }

    @Test
    void aHeaderWithAnImpossibleLengthIsSkipped() throws Exception {
        RawClient.writeRaw(dir, RawClient.frame(1L << 40, 7, new byte[0]));
        RawClient.writeRaw(dir, RawClient.frame(-5, 7, new byte[8]));
        Await.until(PROMPT, "garbage discarded", () -> server.stats().garbageBytes() == 40);
        assertServing();
        assertThat(server.stats().received()).isEqualTo(1);
    }

    @Test
    void randomBytesNeverStallTheServer() throws Exception {
        Random r = new Random(42);
        long total = 0;
        for (int i = 0; i < 20; i++) {
            byte[] junk = new byte[1 + r.nextInt(4000)];
            r.nextBytes(junk);
            RawClient.writeRaw(dir, junk);
            total += junk.length;
        }
        long all = total;
        Await.until(PROMPT, "garbage discarded", () -> server.stats().garbageBytes() == all);
        assertServing();
        assertServing();
    }

    @Test
    void garbageInFrontOfARequestDoesNotSwallowIt() throws Exception {
        long id = FifoClient.uniqueId();
        Path fifo = ServerProtocol.clientFifo(dir, id);
        try (Fifo _ = Fifo.create(fifo, 0600);
             FifoReader in = RawClient.openReply(fifo)) {
            byte[] junk = "\u0001\u0002 not a frame \u00ff".getBytes(UTF_8);
            RawClient.writeRaw(dir, RawClient.concat(junk, RawClient.frame(id, "after junk".getBytes(UTF_8))));
            MessageReader reader = MessageReader.of(in, Framing.MESG);
            assertThat(reader.receive()).isEqualTo(Message.of(0, "echo:after junk"));
            assertThat(reader.receive()).isEqualTo(new Message(2, new byte[0]));
        }
        Await.until(PROMPT, "garbage counted", () -> server.stats().garbageBytes() == 17);
    }

    @Test
    void aPartialFrameDoesNotSwallowTheNextRequest() throws Exception {
        byte[] whole = RawClient.frame(100, 9, new byte[100]);
        RawClient.writeRaw(dir, java.util.Arrays.copyOf(whole, 60)); // header says 100, 44 arrive
        Await.until(PROMPT, "partial discarded", () -> server.stats().garbageBytes() == 60);
        assertServing();
        assertThat(server.stats().received()).isEqualTo(1);
    }

    @Test
    void framesWhoseTypeIsNotAClientIdAreDiscarded() throws Exception {
        RawClient.writeRaw(dir, RawClient.concat(RawClient.frame(0, "zero".getBytes(UTF_8)),
                RawClient.frame(-3, "negative".getBytes(UTF_8))));
        assertServing();
        // skipped a byte at a time: every byte is garbage, also where they happen to hold a
        // plausible header ("zero" plus the next length read as a client id, length 0), since
        // that client has no reply FIFO
        Await.until(PROMPT, "frames discarded as garbage", () -> server.stats().garbageBytes() == 44);
    }

    @Test
    void aSymlinkToARegularFileIsNeverWritten() throws Exception {
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "precious");
        long id = FifoClient.uniqueId();
        Path link = ServerProtocol.clientFifo(dir, id);
        Files.createSymbolicLink(link, victim);
        RawClient.writeRaw(dir, RawClient.frame(id, "x".getBytes(UTF_8)));
        Await.until(PROMPT, "request dropped", () -> server.stats().dropped() == 1);
        assertServing();
        assertThat(Files.readString(victim)).isEqualTo("precious");
        assertThat(Files.isSymbolicLink(link)).as("the server leaves what is not a FIFO alone").isTrue();
        assertThat(log).anyMatch(l -> l.contains("symbolic link"));
    }

    @Test
    void aRegularFileAtTheReplyPathIsNeverWritten() throws Exception {
        long id = FifoClient.uniqueId();
        Path file = Files.writeString(ServerProtocol.clientFifo(dir, id), "precious");
        RawClient.writeRaw(dir, RawClient.frame(id, "x".getBytes(UTF_8)));
        Await.until(PROMPT, "request dropped", () -> server.stats().dropped() == 1);
        assertServing();
        assertThat(Files.readString(file)).isEqualTo("precious");
        assertThat(log).anyMatch(l -> l.contains("not a FIFO"));
    }

    @Test
    void aHandlerThatThrowsGivesAnErrorReply() throws Exception {
        assertThatThrownBy(() -> FifoClient.of(dir).timeout(PROMPT).request("boom".getBytes(UTF_8)))
                .isInstanceOf(ErrorReplyException.class)
                .hasMessageContaining("IllegalStateException: boom");
        assertServing();
    }

    @Test
    void aHandlerPastItsDeadlineIsInterruptedAndTheClientToldSo() throws Exception {
        assertThatThrownBy(() -> FifoClient.of(dir).timeout(PROMPT).request("block".getBytes(UTF_8)))
                .isInstanceOf(ErrorReplyException.class)
                .hasMessageContaining("deadline of 800ms exceeded");
        assertServing();
        assertThat(server.stats().abandoned()).isZero();
    }

    @Test
    void aHandlerThatIgnoresItsDeadlineIsAbandonedButKeepsItsSlot() throws Exception {
        assertThatThrownBy(() -> FifoClient.of(dir).timeout(PROMPT).request("hang".getBytes(UTF_8)))
                .isInstanceOf(ErrorReplyException.class)
                .hasMessageContaining("deadline");
        assertServing();
        assertThat(server.stats().abandoned()).isEqualTo(1);
        assertThat(server.inFlight()).as("the abandoned handler still runs, and counts").isEqualTo(1);
        stopIgnoring = true;
        Await.until(PROMPT, "nothing in flight", () -> server.inFlight() == 0);
    }

    @Test
    void anAbandonedHandlerKeepsOnlyItsSlotAndItsClientIsAnsweredOnTime() throws Exception {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> FifoClient.of(dir).timeout(PROMPT).request("hang".getBytes(UTF_8)))
                .isInstanceOf(ErrorReplyException.class)
                .hasMessageContaining("deadline of 800ms exceeded");
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertThat(took).as("error reply after %d ms (deadline 800 ms)", took).isLessThan(3_000);
        // the request is over for the server (its admission given back, its reply end closed);
        // the handler that ignores its interrupt still runs and holds its slot
        Await.until(PROMPT, "admission given back", () -> server.admitted() == 0);
        assertThat(server.inFlight()).isEqualTo(1);
        assertThat(server.stats().errorReplies()).isEqualTo(1);
        stopIgnoring = true;
        Await.until(PROMPT, "slot given back", () -> server.inFlight() == 0);
        assertServing();
    }

    @Test
    void aClientThatStopsReadingStallsNobodyElse() throws Exception {
        long id = FifoClient.uniqueId();
        Path fifo = ServerProtocol.clientFifo(dir, id);
        try (Fifo _ = Fifo.create(fifo, 0600);
             FifoReader never = RawClient.openReply(fifo)) {
            RawClient.writeRaw(dir, RawClient.frame(id, "flood".getBytes(UTF_8)));
            Await.until(PROMPT, "reply pipe full", () -> {
                try {
                    return never.available() >= 60_000;
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            });
            assertServing(); // while the flood is stuck
            Await.until(PROMPT, "stuck request dropped", () -> server.stats().dropped() == 1);
            assertThat(log).anyMatch(l -> l.contains("did not read its reply"));
        }
        assertServing();
    }

    @Test
    void aReplyFifoHardLinkedToServerFifoIsNeverWritten() throws Exception {
        long id = FifoClient.uniqueId();
        Path link = ServerProtocol.clientFifo(dir, id);
        Files.createLink(link, server.serverFifo());
        RawClient.writeRaw(dir, RawClient.frame(id, "feed yourself".getBytes(UTF_8)));
        Await.until(PROMPT, "request dropped", () -> server.stats().dropped() == 1);
        assertServing();
        assertThat(server.stats().received()).as("the server did not feed itself").isEqualTo(2);
        assertThat(log).anyMatch(l -> l.contains("names (a hard link is never used)"));
        assertThat(link).as("what is not a usable reply FIFO is left alone").exists();
        Files.delete(link);
    }

    @Test
    void aPrivateServerWritesNoFifoOfAnotherUser() throws Exception {
        assumeRoot();
        long id = FifoClient.uniqueId();
        Path fifo = ServerProtocol.clientFifo(dir, id);
        try (Fifo _ = Fifo.create(fifo, 0622);
             FifoReader in = RawClient.openReply(fifo)) {
            Files.setAttribute(fifo, "unix:uid", 65534);
            RawClient.writeRaw(dir, RawClient.frame(id, "x".getBytes(UTF_8)));
            Await.until(PROMPT, "request dropped", () -> server.stats().dropped() == 1);
            assertThat(in.available()).as("nothing written into another user's FIFO").isZero();
            assertThat(fifo).as("and it is not removed").exists();
        }
        assertThat(log).anyMatch(l -> l.contains("owned by uid 65534"));
        assertServing();
    }

    @Test
    void anAbandonedFifoOfAnotherUserIsNotRemoved() throws Exception {
        assumeRoot();
        long id = FifoClient.uniqueId();
        Path fifo = ServerProtocol.clientFifo(dir, id);
        try (Fifo _ = Fifo.create(fifo, 0622)) {
            Files.setAttribute(fifo, "unix:uid", 65534);
            RawClient.writeRaw(dir, RawClient.frame(id, "x".getBytes(UTF_8)));
            Await.until(PROMPT, "request dropped", () -> server.stats().dropped() == 1);
            assertThat(fifo).as("another user's FIFO is never removed").exists();
        }
    }

    @Test
    void aHandlerIgnoringInterruptsKeepsTheOnlySlotSoNoSecondHandlerRuns() throws Exception {
        server.close();
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        server = FifoServer.bind(dir, (req, reply) -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                long end = System.nanoTime() + 1_500_000_000L;
                while (System.nanoTime() < end) { // ignores its interrupt for 1.5 s
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ignored) {
                        // keeps running
                    }
                }
            } finally {
                running.decrementAndGet();
            }
        }, Logs.into(log).maxInFlight(1).requestDeadline(Duration.ofMillis(300)));
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                all.add(pool.submit(() -> {
                    try {
                        FifoClient.of(dir).id(FifoClient.uniqueId()).timeout(Duration.ofSeconds(10)).request(new byte[1]);
                    } catch (ErrorReplyException expected) {
                        // deadline
                    }
                    return null;
                }));
            }
            for (var f : all) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(most.get()).as("handlers running at once with -j 1").isEqualTo(1);
    }

    static void assumeRoot() throws java.io.IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0, "needs root to chown; skipped");
    }
}
