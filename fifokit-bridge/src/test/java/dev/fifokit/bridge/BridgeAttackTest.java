package dev.fifokit.bridge;

import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A listener against hostile peers on real sockets (threat model in docs/bridge.md): an impostor
 * that knows a genuine sender's instance, peers that stretch the handshake byte by byte, a
 * table filled with sessions, and the socket file a killed listener leaves behind.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BridgeAttackTest {
    static final Duration LIMIT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    private final List<String> attackLog = new CopyOnWriteArrayList<>();

    private FifoBridge receivingListener(Path out, BridgeOptions o) throws IOException {
        return FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:0"), BridgeAddress.parse("fifo:" + out),
                o.format(BridgeFormat.MESG)).start();
    }

    @Test
    void anImpostorWithASniffedInstanceCanNeitherInjectNorEndTheSession() throws Exception {
        List<String> farLog = new CopyOnWriteArrayList<>();
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(Message.of(1, "genuine " + i));
        }
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = receivingListener(out.path(), BridgeOptions.defaults().log(farLog::add));
             TcpProxy sniffer = new TcpProxy(far.localPort());
             FifoBridge near = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                     BridgeAddress.parse("tcp:127.0.0.1:" + sniffer.port()),
                     BridgeOptions.defaults().format(BridgeFormat.MESG).log(BridgeReliabilityTest.LOG)).start();
             ExecutorService ex = Fifos.threads()) {
            Future<List<Message>> read = Fifos.readAll(ex, out.path(), Framing.MESG);
            // a second writer end keeps the source open across both halves
            Future<dev.fifokit.ends.FifoWriter> keeper = ex.submit(() -> dev.fifokit.ends.FifoWriter.open(in.path(),
                    dev.fifokit.ends.WriterOptions.defaults().timeout(Fifos.OPEN)));
            Future<Void> writing = Fifos.writeAll(ex, in.path(), Framing.MESG, sent.subList(0, 100));
            dev.fifokit.testing.Await.until(LIMIT, "the genuine sender connected", () -> far.stats().connections() == 1);
            // the instance crosses in clear in every HELLO (bytes 8 to 24)
            byte[] sniffed = Arrays.copyOfRange(sniffer.firstBytes(0), 8, 24);
            for (int attempt = 0; attempt < 3; attempt++) {
                assertThatThrownBy(() -> new BridgeHostilePeerTest.FakeSender(far.localPort(), sniffed, 4080))
                        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo(Refusal.NOT_YOURS));
            }
            assertThat(farLog).anySatisfy(l -> assertThat(l).startsWith("client 127.0.0.1:").contains("refused"));
            Fifos.get(writing, LIMIT);
            Fifos.get(Fifos.writeAll(ex, in.path(), Framing.MESG, sent.subList(100, 200)), LIMIT);
            Fifos.get(keeper, LIMIT).close();
            assertThat(near.await(LIMIT)).as("the genuine sender finished without a failure").isTrue();
            assertThat(Fifos.get(read, LIMIT)).isEqualTo(sent);
            assertThat(sniffer.accepted()).as("the genuine link was never cut").isEqualTo(1);
        }
    }

    @Test
    void aPeerThatSendsOneByteAtATimeIsClosedAtTheTotalHandshakeDeadline() throws Exception {
        try (Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = receivingListener(out.path(), BridgeOptions.defaults().handshakeTimeout(Duration.ofSeconds(1))
                     .log(attackLog::add))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    slow.add(new Socket(InetAddress.getLoopbackAddress(), far.localPort()));
                }
                long t0 = System.nanoTime();
                java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
                Wire.writeHello(whole, new Wire.Hello(Wire.ROLE_SENDER, BridgeFormat.MESG, new byte[16], 4080, 0,
                        new byte[32]));
                byte[] hello = whole.toByteArray();
                boolean allClosed = false;
                // a valid HELLO, one byte each every 300 ms: never 1 s apart, whole only after 18 s
                for (int step = 0; step < hello.length && !allClosed; step++) {
                    allClosed = true;
                    for (Socket s : slow) {
                        try {
                            OutputStream o = s.getOutputStream();
                            o.write(hello[step]);
                            o.flush();
                            allClosed = false;
                        } catch (IOException closed) {
                            // the listener gave up on this one
                        }
                    }
                    Thread.sleep(300);
                }
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
                assertThat(allClosed).as("every slow peer was closed (after %d s)", seconds).isTrue();
                assertThat(attackLog).filteredOn(l -> l.contains("did not complete the handshake within 1000 ms"))
                        .hasSize(20);
                assertThat(far.isDone()).isFalse();
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aSilentClientOfAUnixListenerIsClosedAtTheDeadlineToo() throws Exception {
        Path sock = dir.resolve("b.sock");
        try (Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = FifoBridge.of(BridgeAddress.parse("unix-listen:" + sock), BridgeAddress.parse("fifo:" + out.path()),
                     BridgeOptions.defaults().format(BridgeFormat.MESG).handshakeTimeout(Duration.ofSeconds(1))
                             .log(BridgeReliabilityTest.LOG)).start();
             SocketChannel silent = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            ByteBuffer b = ByteBuffer.allocate(100);
            Future<Integer> got;
            try (ExecutorService ex = Fifos.threads()) {
                got = ex.submit(() -> silent.read(b));
                assertThat(Fifos.get(got, LIMIT)).as("end of stream: the listener hung up").isEqualTo(-1);
            }
        }
    }

    @Test
    void aFullTableRefusesWithAnErrorAndTheSenderBacksOffThenGetsIn() throws Exception {
        List<String> nearLog = new CopyOnWriteArrayList<>();
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = receivingListener(out.path(), BridgeOptions.defaults().maxSessions(2)
                     .log(BridgeReliabilityTest.LOG));
             ExecutorService ex = Fifos.threads()) {
            BridgeHostilePeerTest.FakeSender a = new BridgeHostilePeerTest.FakeSender(far.localPort(), id(1), 4080);
            BridgeHostilePeerTest.FakeSender b = new BridgeHostilePeerTest.FakeSender(far.localPort(), id(2), 4080);
            try (TcpProxy counting = new TcpProxy(far.localPort());
                 FifoBridge near = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                         BridgeAddress.parse("tcp:127.0.0.1:" + counting.port()),
                         BridgeOptions.defaults().format(BridgeFormat.MESG).reconnect(true)
                                 .backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).log(nearLog::add)).start()) {
                Future<List<Message>> read = Fifos.readAll(ex, out.path(), Framing.MESG);
                Thread.sleep(2500);
                int dials = counting.accepted();
                assertThat(nearLog).anySatisfy(l -> assertThat(l).contains("refused: busy"));
                assertThat(dials).as("dials in 2.5 s with waits of 100, 200, 400, 800 ms").isBetween(2, 6);
                a.close();
                b.close();
                Fifos.get(Fifos.writeAll(ex, in.path(), Framing.MESG, List.of(Message.of(1, "in at last"))), LIMIT);
                assertThat(near.await(LIMIT)).isTrue();
                assertThat(Fifos.get(read, LIMIT)).extracting(Message::text).contains("in at last");
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    void aSocketFileLeftByAKilledListenerIsRemovedOneInUseIsNot() throws Exception {
        Path sock = dir.resolve("stale.sock");
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(sock));
        dead.close(); // the JDK leaves the file, as a process killed with -9 does
        assertThat(sock).exists();
        List<String> log = new CopyOnWriteArrayList<>();
        try (Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = FifoBridge.of(BridgeAddress.parse("unix-listen:" + sock), BridgeAddress.parse("fifo:" + out.path()),
                     BridgeOptions.defaults().format(BridgeFormat.MESG).log(log::add)).start()) {
            assertThat(log).anySatisfy(l -> assertThat(l).contains("removed a stale socket"));
            FifoBridge second = FifoBridge.of(BridgeAddress.parse("unix-listen:" + sock),
                    BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults().format(BridgeFormat.MESG));
            assertThatThrownBy(second::start).isInstanceOf(BridgeException.class)
                    .hasMessageContaining("another process listens");
            assertThat(far.isDone()).isFalse();
        }
        Path file = Files.writeString(dir.resolve("not-a-socket"), "data");
        FifoBridge onAFile = FifoBridge.of(BridgeAddress.parse("unix-listen:" + file),
                BridgeAddress.parse("fifo:" + dir.resolve("out.fifo")), BridgeOptions.defaults().format(BridgeFormat.MESG));
        Fifo.create(dir.resolve("out.fifo")).keep().close();
        assertThatThrownBy(onAFile::start).hasMessageContaining("not a socket");
        assertThat(Files.readString(file)).isEqualTo("data");
    }

    private static byte[] id(int n) {
        byte[] b = new byte[16];
        b[0] = (byte) n;
        b[1] = 77;
        return b;
    }
}
