package dev.fifokit.bridge;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A receiving listener against peers that speak the wire protocol by hand: it writes each
 * message once however often it is re-sent, refuses gaps and oversized frames without
 * allocating them, drops garbage and silent clients, and keeps serving good clients.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeHostilePeerTest {
    static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** A hand-made sending peer. */
    static final class FakeSender implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final DataOutputStream out;
        final long resume;
        final boolean resumed;

        FakeSender(int port, byte[] instance, int maxPayload) throws IOException {
            this(port, instance, maxPayload, new Handshake.Memory());
        }

        /** A sender that completes the handshake as the bridge does; {@code memory} holds the session's key. */
        FakeSender(int port, byte[] instance, int maxPayload, Handshake.Memory memory) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(20_000);
            Link link = Link.of("listener", socket);
            in = new DataInputStream(link.in());
            out = new DataOutputStream(link.out());
            Handshake.Dialled d = Handshake.dial(link,
                    new Wire.Hello(Wire.ROLE_SENDER, BridgeFormat.MESG, instance, maxPayload, 0, null), memory);
            assertThat(d.peer().role()).isEqualTo(Wire.ROLE_RECEIVER);
            resumed = d.resumed();
            Wire.Frame first = Wire.readFrame(in, "listener", 0);
            assertThat(first.kind()).isEqualTo(Wire.ACK);
            resume = first.seq();
        }

        void data(long seq, String text) throws IOException {
            Wire.writeData(out, seq, seq, text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Reads acknowledgements until one covers {@code seq}. */
        void awaitAck(long seq) throws IOException {
            while (true) {
                Wire.Frame f = Wire.readFrame(in, "listener", 0);
                if (f.kind() == Wire.ACK && f.seq() >= seq) {
                    return;
                }
            }
        }

        /** True when the listener closed the link (end of stream or reset) within the socket timeout. */
        boolean closedByPeer() {
            try {
                while (in.read() >= 0) {
                    // drain acknowledgements
                }
                return true;
            } catch (IOException e) {
                return !(e instanceof java.net.SocketTimeoutException);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private FifoBridge listener(Path out) throws IOException {
        return FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:0"), BridgeAddress.parse("fifo:" + out), BridgeOptions.defaults()
                .format(BridgeFormat.MESG).handshakeTimeout(Duration.ofMillis(500))
                .log(BridgeReliabilityTest.LOG)).start();
    }

    @Test
    void aMessageSentAgainAfterAReconnectIsWrittenOnce() throws Exception {
        byte[] me = new byte[16];
        me[0] = 42;
        try (Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = listener(out.path());
             ExecutorService ex = Fifos.threads()) {
            Future<List<Message>> read = Fifos.readAll(ex, out.path(), Framing.MESG);
            Handshake.Memory session = new Handshake.Memory();
            try (FakeSender s = new FakeSender(far.localPort(), me, 4080, session)) {
                assertThat(s.resume).isZero();
                s.data(1, "a");
                s.data(2, "b");
                s.data(3, "c");
                s.awaitAck(3);
            }
            try (FakeSender s = new FakeSender(far.localPort(), me, 4080, session)) {
                assertThat(s.resumed).isTrue();
                assertThat(s.resume).as("the resume point is the last message written").isEqualTo(3);
                s.data(2, "b"); // as a sender that never saw the acknowledgements would
                s.data(3, "c");
                s.data(4, "d");
                s.awaitAck(4);
                Wire.writeSeq(s.out, Wire.FIN, 4);
                s.out.flush();
                s.awaitAck(4);
            }
            assertThat(Fifos.get(read, LIMIT)).extracting(Message::text).containsExactly("a", "b", "c", "d");
            assertThat(far.stats().duplicatesDropped()).isEqualTo(2);
        }
    }

    @Test
    void aGapInTheSequenceIsRefusedAndNothingAfterItIsWritten() throws Exception {
        try (Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = listener(out.path());
             FifoReader end = FifoReader.open(out.path(), ReaderOptions.defaults().awaitWriter(false));
             MessageReader in = MessageReader.of(end, Framing.MESG);
             FakeSender s = new FakeSender(far.localPort(), new byte[16], 4080)) {
            s.data(1, "first");
            s.data(5, "after a gap");
            assertThat(s.closedByPeer()).isTrue();
            assertThat(in.receive().text()).isEqualTo("first");
            assertThat(end.available()).isZero();
        }
    }

    @Test
    void aFrameClaimingTwoGigabytesIsRefusedWithoutAllocatingIt() throws Exception {
        try (Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = listener(out.path());
             FakeSender s = new FakeSender(far.localPort(), new byte[16], 4080)) {
            s.out.writeByte(Wire.DATA);
            s.out.writeLong(1);
            s.out.writeLong(1);
            s.out.writeInt(Integer.MAX_VALUE);
            s.out.flush();
            assertThat(s.closedByPeer()).isTrue();
            assertThat(far.isDone()).isFalse();
            assertThat(far.stats().messagesDelivered()).isZero();
        }
    }

    @Test
    void aSenderWhoseMessagesAreTooBigForAtomicWritesIsRefusedAtTheHandshake() throws Exception {
        try (Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = listener(out.path())) {
            assertThatThrownBy(() -> new FakeSender(far.localPort(), new byte[16], 1 << 20))
                    .isInstanceOf(BridgeException.class).hasMessageContaining("--max-payload");
        }
    }

    @Test
    void garbageAndSilentClientsAreDroppedAndAGoodClientIsStillServed() throws Exception {
        try (Fifo out = Fifo.create(dir.resolve("out.fifo"));
             FifoBridge far = listener(out.path());
             ExecutorService ex = Fifos.threads()) {
            List<Socket> hostile = new ArrayList<>();
            try {
                Socket garbage = new Socket(InetAddress.getLoopbackAddress(), far.localPort());
                hostile.add(garbage);
                garbage.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 20; i++) {
                    hostile.add(new Socket(InetAddress.getLoopbackAddress(), far.localPort())); // say nothing
                }
                Future<List<Message>> read = Fifos.readAll(ex, out.path(), Framing.MESG);
                try (FakeSender s = new FakeSender(far.localPort(), new byte[16], 4080)) {
                    s.data(1, "still served");
                    Wire.writeSeq(s.out, Wire.FIN, 1);
                    s.out.flush();
                    s.awaitAck(1);
                }
                assertThat(Fifos.get(read, LIMIT)).extracting(Message::text).containsExactly("still served");
                for (Socket h : hostile) {
                    h.setSoTimeout(10_000);
                    assertThat(readsToEnd(h)).as("the listener closed a hostile client").isTrue();
                }
            } finally {
                for (Socket h : hostile) {
                    h.close();
                }
            }
        }
    }

    private static boolean readsToEnd(Socket s) {
        try {
            while (s.getInputStream().read() >= 0) {
                // whatever the listener says before it closes
            }
            return true;
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            return !(e instanceof java.net.SocketTimeoutException);
        }
    }
}
