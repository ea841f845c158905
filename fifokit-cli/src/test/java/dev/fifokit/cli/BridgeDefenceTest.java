package dev.fifokit.cli;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageReader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bridge process against hostile peers (the threat model is in docs/bridge.md): a listener
 * out of descriptors keeps serving; peers that stretch the handshake are closed at its total
 * deadline; a full session table refuses with an error and the refused sender backs off; an
 * impostor that sniffed a genuine sender's instance neither injects into its session nor ends it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BridgeDefenceTest {
    static final Duration LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    /** Sends {@code lines} through a dialling bridge process into the listener at {@code port}; its exit status. */
    private static CliProcess.Result send(int port, String... lines) throws Exception {
        byte[] in = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        return CliProcess.run(in, 120, "bridge", "--format", "line", "--reconnect", "-", "tcp:127.0.0.1:" + port);
    }

    private static List<String> readLines(Path fifo, int n) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            List<String> got = new ArrayList<>();
            try (FifoReader r = FifoReader.open(fifo, ReaderOptions.defaults().timeout(Traffic.OPEN));
                 MessageReader mr = MessageReader.of(r, Framing.LINE)) {
                while (got.size() < n) {
                    Message m = mr.receive();
                    if (m == null) {
                        r.awaitNextWriter(Traffic.OPEN);
                        continue;
                    }
                    got.add(m.text());
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return got;
        }).get(LIMIT.toSeconds(), TimeUnit.SECONDS).stream().toList();
    }

    @Test
    void aListenerOutOfDescriptorsKeepsListeningAndServesOnceSomeAreFree() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "prlimit (util-linux) is not installed");
        try (Fifo out = Fifo.create(dir.resolve("out.fifo"));
             BridgeProcess far = BridgeProcess.startUnder(List.of("/usr/bin/prlimit", "--nofile=64:64"),
                     "--format", "line", "--handshake-timeout", "3s", "tcp-listen:127.0.0.1:0", "fifo:" + out.path())) {
            int port = far.port();
            CompletableFuture<List<String>> first = CompletableFuture.supplyAsync(() -> unchecked(() -> readLines(out.path(), 1)));
            assertThat(send(port, "before").exit()).isZero(); // the code paths are loaded before the flood
            assertThat(first.get(LIMIT.toSeconds(), TimeUnit.SECONDS)).containsExactly("before");
            List<Socket> flood = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    flood.add(new Socket(InetAddress.getLoopbackAddress(), port));
                }
                far.awaitLine("Too many open files; still listening", LIMIT);
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
            }
            assertThat(far.isAlive()).isTrue();
            CompletableFuture<List<String>> after = CompletableFuture.supplyAsync(() -> unchecked(() -> readLines(out.path(), 1)));
            CliProcess.Result r = send(port, "after the flood");
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(after.get(LIMIT.toSeconds(), TimeUnit.SECONDS)).containsExactly("after the flood");
            assertThat(far.terminate()).isZero();
        }
    }

    @Test
    void peersThatStretchTheHandshakeAreClosedAtItsTotalDeadlineOnTcpAndUnixSockets() throws Exception {
        try (Fifo out = Fifo.create(dir.resolve("out.fifo"));
             BridgeProcess far = BridgeProcess.start("--format", "mesg", "--handshake-timeout", "2s",
                     "tcp-listen:127.0.0.1:0", "fifo:" + out.path())) {
            int port = far.port();
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    slow.add(new Socket(InetAddress.getLoopbackAddress(), port));
                }
                byte[] hello = validHello();
                long t0 = System.nanoTime();
                int open = slow.size();
                // a valid HELLO, a byte each every 500 ms: never 2 s apart, whole only after 30 s
                for (int step = 0; open > 0 && step < hello.length; step++) {
                    open = 0;
                    for (Socket s : slow) {
                        try {
                            s.getOutputStream().write(hello[step]);
                            open++;
                        } catch (IOException closed) {
                            // the listener hung up
                        }
                    }
                    Thread.sleep(500);
                }
                assertThat(open).as("slow peers still open after %d s", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0))
                        .isZero();
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
            assertThat(far.count("did not complete the handshake within 2000 ms")).isGreaterThanOrEqualTo(20);
            assertThat(far.terminate()).isZero();
        }
        Path sock = dir.resolve("b.sock");
        try (Fifo out = Fifo.create(dir.resolve("out2.fifo"));
             BridgeProcess far = BridgeProcess.start("--format", "mesg", "--handshake-timeout", "2s",
                     "unix-listen:" + sock, "fifo:" + out.path());
             java.nio.channels.SocketChannel silent = connectWhenThere(far, sock)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(64);
            int n = CompletableFuture.supplyAsync(() -> unchecked(() -> silent.read(b))).get(60, TimeUnit.SECONDS);
            assertThat(n).as("end of stream: the listener hung up on a silent client").isEqualTo(-1);
            assertThat(far.terminate()).isZero();
        }
    }

    /** A HELLO as a sending connector of mesg writes it (60 bytes). */
    static byte[] validHello() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(60);
        b.put("FKB1".getBytes(StandardCharsets.US_ASCII)).put(new byte[]{2, 1, 1, 0});
        byte[] instance = new byte[16];
        new SecureRandom().nextBytes(instance);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return b.put(instance).putInt(4080).put(key).array();
    }

    private static java.nio.channels.SocketChannel connectWhenThere(BridgeProcess far, Path sock) throws Exception {
        far.awaitLine("listening", LIMIT);
        return java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(sock));
    }

    @Test
    void aFullSessionTableRefusesWithAnErrorAndTheRefusedSenderBacksOff() throws Exception {
        try (Fifo out = Fifo.create(dir.resolve("out.fifo"));
             BridgeProcess far = BridgeProcess.start("--format", "mesg", "--max-sessions", "2",
                     "tcp-listen:127.0.0.1:0", "fifo:" + out.path())) {
            int port = far.port();
            List<BridgeProcess> holders = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Path quiet = Fifo.create(dir.resolve("quiet" + i + ".fifo")).keep().path();
                    holders.add(BridgeProcess.start("--format", "mesg", "--follow", "fifo:" + quiet,
                            "tcp:127.0.0.1:" + port));
                }
                dev.fifokit.testing.Await.until(LIMIT, "two sessions held", () -> far.count(": connected") >= 2);
                Path in = Fifo.create(dir.resolve("in.fifo")).keep().path();
                try (FaultProxy counting = new FaultProxy(port);
                     BridgeProcess genuine = BridgeProcess.start("--format", "mesg", "--reconnect", "fifo:" + in,
                             "tcp:127.0.0.1:" + counting.port())) {
                    genuine.awaitLine("refused: busy", LIMIT);
                    long t0 = System.nanoTime();
                    int before = counting.accepted();
                    Thread.sleep(3000);
                    int dials = counting.accepted() - before;
                    assertThat(dials).as("dials in 3 s after the first refusal (waits double from 100 ms)").isLessThanOrEqualTo(5);
                    assertThat(far.count("refused")).isGreaterThanOrEqualTo(1);
                    holders.getFirst().kill(); // a session without a link may now be evicted
                    genuine.awaitLine(": connected", LIMIT);
                    System.err.printf("refused sender: %d dials in %d ms%n", dials,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                    assertThat(genuine.terminate()).isZero();
                }
            } finally {
                for (BridgeProcess h : holders) {
                    h.close();
                }
            }
            assertThat(far.terminate()).isZero();
        }
    }

    @Test
    void anImpostorWithASniffedInstanceNeitherInjectsIntoNorEndsTheGenuineSession() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             BridgeProcess far = BridgeProcess.start("--format", "line", "tcp-listen:127.0.0.1:0", "fifo:" + out.path());
             FaultProxy sniffer = new FaultProxy(far.port());
             BridgeProcess near = BridgeProcess.start("--format", "line", "fifo:" + in.path(),
                     "tcp:127.0.0.1:" + sniffer.port())) {
            CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() -> unchecked(() -> readLines(out.path(), 2)));
            try (dev.fifokit.ends.FifoWriter w = dev.fifokit.ends.FifoWriter.open(in.path(),
                    dev.fifokit.ends.WriterOptions.defaults().timeout(Traffic.OPEN))) {
                w.write("genuine one\n".getBytes(StandardCharsets.UTF_8));
                far.awaitLine(": connected", LIMIT);
                byte[] instance = Arrays.copyOfRange(sniffer.firstBytes(0), 8, 24);
                for (int attempt = 0; attempt < 3; attempt++) {
                    assertThat(impostor(far.port(), instance)).as("the impostor's refusal").isEqualTo(3);
                }
                w.write("genuine two\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(near.exit(LIMIT)).as("the genuine sender ends without a failure: " + near.stderr()).isZero();
            assertThat(read.get(LIMIT.toSeconds(), TimeUnit.SECONDS)).containsExactly("genuine one", "genuine two");
            assertThat(sniffer.accepted()).as("the genuine link was never taken over").isEqualTo(1);
            assertThat(far.count("without its key; refused")).isGreaterThanOrEqualTo(3);
            assertThat(far.terminate()).isZero();
        }
    }

    /**
     * A hostile peer speaking the documented protocol by hand: a HELLO with another bridge's
     * instance, a made-up PROOF, and a DATA frame right behind it. Returns the code of the
     * listener's ERROR frame.
     */
    private static int impostor(int port, byte[] instance) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            out.write("FKB1".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[]{2, 1, 2, 0}); // version 2, sends data, line format, no flags
            out.write(instance);
            out.writeInt(4080);
            out.write(key);
            out.flush();
            byte[] hello = new byte[60];
            in.readFully(hello);
            assertThat(hello[7] & 1).as("the listener holds a session for that instance").isEqualTo(1);
            byte[] mac = new byte[32];
            new SecureRandom().nextBytes(mac);
            out.writeByte(5);
            out.write(mac);
            byte[] injected = "injected\n".getBytes(StandardCharsets.UTF_8);
            out.writeByte(1);
            out.writeLong(1_000_000);
            out.writeLong(-1);
            out.writeInt(injected.length);
            out.write(injected);
            out.flush();
            int kind = in.readUnsignedByte();
            assertThat(kind).as("an ERROR frame").isEqualTo(4);
            int code = in.readUnsignedByte();
            byte[] text = new byte[in.readUnsignedShort()];
            in.readFully(text);
            assertThat(drainsToEnd(in)).as("the listener hangs up").isTrue();
            return code;
        }
    }

    private static boolean drainsToEnd(InputStream in) {
        try {
            while (in.read() >= 0) {
                // nothing more is expected
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    interface Body<T> {
        T get() throws Exception;
    }

    private static <T> T unchecked(Body<T> b) {
        try {
            return b.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
