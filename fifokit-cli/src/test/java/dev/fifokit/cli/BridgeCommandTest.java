package dev.fifokit.cli;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fifokit bridge} as a shell runs it: two processes, a FIFO at the far end, exit codes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BridgeCommandTest {
    @TempDir
    Path dir;

    @Test
    void linesFromStdinCrossTwoBridgeProcessesIntoAFifo() throws Exception {
        Process far = null;
        try (Fifo out = Fifo.create(dir.resolve("out.fifo"))) {
            far = CliProcess.start("bridge", "-v", "--format", "line", "tcp-listen:127.0.0.1:0", "fifo:" + out.path());
            int port = listeningPort(far);
            byte[] input = "one\ntwo with \\\\ backslash\nthree\n".getBytes(StandardCharsets.UTF_8);
            List<Message> got = new ArrayList<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (FifoReader end = FifoReader.open(out.path(), ReaderOptions.defaults().timeout(Duration.ofSeconds(60)));
                     MessageReader in = MessageReader.of(end, Framing.LINE)) {
                    for (Message m; (m = in.receive()) != null; ) {
                        got.add(m);
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CliProcess.Result near = CliProcess.run(input, 60, "bridge", "--format", "line", "-",
                    "tcp:127.0.0.1:" + port);
            assertThat(near.exit()).as(near.stderr()).isZero();
            reader.join(Duration.ofSeconds(60));
            assertThat(got).extracting(Message::text).containsExactly("one", "two with \\ backslash", "three");

            far.destroy(); // SIGTERM: a clean stop
            assertThat(far.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(far.exitValue()).isZero();
        } finally {
            if (far != null) {
                far.destroyForcibly();
            }
        }
    }

    @Test
    void aRefusedConnectionIsExitThreeAndABadAddressIsUsage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CliProcess.Result refused = CliProcess.run(60, "bridge", "--format", "mesg", "-", "tcp:127.0.0.1:" + port);
        assertThat(refused.exit()).isEqualTo(ExitCodes.PEER_ABSENT);
        assertThat(refused.stderr()).startsWith("fifokit: tcp:127.0.0.1:" + port + ": connection refused");

        CliProcess.Result bad = CliProcess.run(60, "bridge", "fifo:/tmp/x", "udp:1.2.3.4:5");
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.stderr()).contains("unknown address type 'udp'");

        CliProcess.Result open = CliProcess.run(60, "bridge", "fifo:/tmp/x", "tcp-listen:9000");
        assertThat(open.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(open.stderr()).contains("--plaintext");
    }

    @Test
    void tlsOptionsWireUpMutualTlsAndAnUntrustedClientIsRefused() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(onPath("openssl"), "openssl is not installed");
        Path c = java.nio.file.Files.createDirectory(dir.resolve("certs"));
        java.nio.file.Files.writeString(c.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl(c, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=test CA", "-days", "2");
        for (String who : List.of("server", "client")) {
            openssl(c, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", who + ".key", "-out", who + ".csr", "-subj", "/CN=" + who);
            List<String> sign = new ArrayList<>(List.of("x509", "-req", "-in", who + ".csr", "-CA", "ca.crt",
                    "-CAkey", "ca.key", "-CAcreateserial", "-out", who + ".crt", "-days", "2"));
            if (who.equals("server")) {
                sign.addAll(List.of("-extfile", "server.ext"));
            }
            openssl(c, sign.toArray(new String[0]));
        }
        openssl(c, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "rogue.key", "-out", "rogue.crt", "-subj", "/CN=rogue", "-days", "2");
        try (Fifo out = Fifo.create(dir.resolve("out.fifo"));
             BridgeProcess far = BridgeProcess.start("--format", "mesg", "--tls-cert", c.resolve("server.crt").toString(),
                     "--tls-key", c.resolve("server.key").toString(), "--tls-ca", c.resolve("ca.crt").toString(),
                     "--tls-verify-client", "tcp-listen:127.0.0.1:0", "fifo:" + out.path())) {
            int port = far.port();

            CliProcess.Result rogue = CliProcess.run("nope\n".getBytes(StandardCharsets.UTF_8), 60, "bridge",
                    "--format", "mesg", "--tls-cert", c.resolve("rogue.crt").toString(),
                    "--tls-key", c.resolve("rogue.key").toString(), "--tls-ca", c.resolve("ca.crt").toString(),
                    "-", "tcp:127.0.0.1:" + port);
            assertThat(rogue.exit()).as(rogue.stderr()).isEqualTo(ExitCodes.FAILURE);
            // the listener says who it refused and why, in words
            assertThat(far.awaitLine("TLS handshake failed", Duration.ofSeconds(60)))
                    .matches("fifokit: bridge: client 127\\.0\\.0\\.1:\\d+ of tcp-listen:127\\.0\\.0\\.1:" + port
                            + ": TLS handshake failed: .+");

            List<Message> got = new ArrayList<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (FifoReader end = FifoReader.open(out.path(), ReaderOptions.defaults().timeout(Duration.ofSeconds(60)));
                     MessageReader in = MessageReader.of(end, Framing.MESG)) {
                    for (Message m; (m = in.receive()) != null; ) {
                        got.add(m);
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CliProcess.Result good = CliProcess.run("over tls\nsecond\n".getBytes(StandardCharsets.UTF_8), 60, "bridge",
                    "--format", "mesg", "--tls-cert", c.resolve("client.crt").toString(),
                    "--tls-key", c.resolve("client.key").toString(), "--tls-ca", c.resolve("ca.crt").toString(),
                    "-", "tcp:127.0.0.1:" + port);
            assertThat(good.exit()).as(good.stderr()).isZero();
            reader.join(Duration.ofSeconds(60));
            assertThat(got).extracting(Message::text).containsExactly("over tls", "second");
        }
    }

    @Test
    void oneWritersCorruptFrameCostsOnlyThatFrame() throws Exception {
        try (Fifo in = Fifo.create(dir.resolve("in.fifo"));
             Fifo out = Fifo.create(dir.resolve("out.fifo"));
             BridgeProcess copy = BridgeProcess.start("--format", "mesg", "fifo:" + in.path(), "fifo:" + out.path());
             dev.fifokit.ends.FifoWriter keeper = dev.fifokit.ends.FifoWriter.open(in.path(),
                     dev.fifokit.ends.WriterOptions.defaults().timeout(Duration.ofSeconds(60)));
             dev.fifokit.messages.MessageWriter first = dev.fifokit.messages.MessageWriter.of(keeper, Framing.MESG)) {
            // the bridge takes the first message and waits, with it, for a reader of out.fifo,
            // while one writer's garbage and another's messages queue up in in.fifo behind it
            first.send(0, "first".getBytes(StandardCharsets.UTF_8));
            dev.fifokit.testing.Await.until(Duration.ofSeconds(60), "the bridge took the first message",
                    () -> emptied(keeper));
            try (dev.fifokit.ends.FifoWriter garbage = dev.fifokit.ends.FifoWriter.open(in.path())) {
                garbage.write("not a frame at all\n".getBytes(StandardCharsets.US_ASCII));
            }
            try (dev.fifokit.ends.FifoWriter good = dev.fifokit.ends.FifoWriter.open(in.path());
                 dev.fifokit.messages.MessageWriter w = dev.fifokit.messages.MessageWriter.of(good, Framing.MESG)) {
                for (int i = 0; i < 100; i++) {
                    w.send(2, ("good " + i).getBytes(StandardCharsets.UTF_8));
                }
            }
            first.close();
            List<Message> got = new ArrayList<>();
            try (FifoReader end = FifoReader.open(out.path(), ReaderOptions.defaults().timeout(Duration.ofSeconds(60)));
                 MessageReader r = MessageReader.of(end, Framing.MESG)) {
                for (Message m; (m = r.receive()) != null; ) {
                    got.add(m);
                }
            }
            assertThat(got).extracting(Message::text).hasSize(101).startsWith("first", "good 0").endsWith("good 99");
            assertThat(copy.exit(Duration.ofSeconds(60))).isZero();
            assertThat(copy.stderr()).contains("corrupt frame at byte offset").contains("skipped 19 bytes");
        }
    }

    private static boolean emptied(dev.fifokit.ends.FifoWriter w) {
        try {
            return w.available() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void bridgeSaysItsVersion() throws Exception {
        CliProcess.Result r = CliProcess.run(60, "bridge", "--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("fifokit ");
    }

    @Test
    void anUnresolvableHostAndTheSameFifoTwiceAreSaidPlainly() throws Exception {
        CliProcess.Result host = CliProcess.run(60, "bridge", "--format", "mesg", "-", "tcp:no-such-host.invalid:9000");
        assertThat(host.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(host.stderr()).contains("cannot resolve host 'no-such-host.invalid'").doesNotContain("loopback interface");
        CliProcess.Result plain = CliProcess.run(60, "bridge", "--format", "mesg", "--plaintext", "-",
                "tcp:no-such-host.invalid:9000");
        assertThat(plain.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(plain.stderr()).startsWith("fifokit: tcp:no-such-host.invalid:9000: cannot resolve host 'no-such-host.invalid'");
        try (Fifo f = Fifo.create(dir.resolve("f.fifo"))) {
            CliProcess.Result same = CliProcess.run(60, "bridge", "fifo:" + f.path(), "fifo:" + f.path());
            assertThat(same.exit()).isEqualTo(ExitCodes.USAGE);
            assertThat(same.stderr()).contains("the same FIFO").doesNotContain("splice");
        }
    }

    @Test
    void aSocketLeftByAListenerKilledWithSigkillDoesNotStopItsRestart() throws Exception {
        Path sock = dir.resolve("b.sock");
        try (Fifo out = Fifo.create(dir.resolve("out.fifo"))) {
            String[] args = {"--format", "line", "unix-listen:" + sock, "fifo:" + out.path()};
            try (BridgeProcess first = BridgeProcess.start(args)) {
                first.awaitLine("listening", Duration.ofSeconds(60));
                first.kill();
            }
            assertThat(sock).as("a killed listener cannot remove its socket").exists();
            try (BridgeProcess second = BridgeProcess.start(args)) {
                second.awaitLine("listening", Duration.ofSeconds(60));
                assertThat(second.stderr()).contains("removed a stale socket nobody listened on");
                List<Message> got = new ArrayList<>();
                Thread reader = Thread.ofVirtual().start(() -> {
                    try (FifoReader end = FifoReader.open(out.path(), ReaderOptions.defaults().timeout(Duration.ofSeconds(60)));
                         MessageReader in = MessageReader.of(end, Framing.LINE)) {
                        got.add(in.receive());
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                CliProcess.Result sent = CliProcess.run("after the restart\n".getBytes(StandardCharsets.UTF_8), 60,
                        "bridge", "--format", "line", "-", "unix:" + sock);
                assertThat(sent.exit()).as(sent.stderr()).isZero();
                reader.join(Duration.ofSeconds(60));
                assertThat(got).extracting(Message::text).containsExactly("after the restart");
                assertThat(second.terminate()).isZero();
            }
            assertThat(sock).as("a listener stopped by a signal removes its socket").doesNotExist();
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (java.nio.file.Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("openssl"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(java.nio.file.Files.readString(dir.resolve("openssl.log"))).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    private static int listeningPort(Process p) throws Exception {
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        Pattern port = Pattern.compile("listening on port (\\d+)");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String line; System.nanoTime() < end && (line = err.readLine()) != null; ) {
            Matcher m = port.matcher(line);
            if (m.find()) {
                Thread.ofVirtual().start(() -> {
                    try {
                        err.transferTo(java.io.Writer.nullWriter());
                    } catch (java.io.IOException ignored) {
                        // the process ended
                    }
                });
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the bridge never said which port it listens on");
    }
}
