package dev.fifokit.cli;

import dev.fifokit.files.Fifo;
import dev.fifokit.testing.CPeer;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fifokit echo-server} and {@code echo-client} against Stevens' C echo programs
 * (UNIX Network Programming vol. 2 ch. 4; compiled here with gcc), in both framings, byte for
 * byte; and the commands' own behaviour.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoCommandsTest {
    private static final String TEXT = "Hello from Stevens!\tПривет, こんにちは";

    @TempDir
    static Path bin;

    @TempDir
    Path dir;

    @BeforeAll
    static void compile() throws Exception {
        for (String name : List.of("fifo_echo_server", "fifo_echo_client", "mesg_echo_server", "mesg_echo_client")) {
            CPeer.compile(bin, name, CPeer.resource("/c/" + name + ".c"));
        }
    }

    private static String c(String format, String side) {
        return bin.resolve((format.equals("mesg") ? "mesg_echo_" : "fifo_echo_") + side).toString();
    }

    /** What Stevens' C server prints for Stevens' C client given {@code line} on stdin. */
    private byte[] cReference(String format, String line) throws Exception {
        try (Processes procs = new Processes(); Fifo fifo = Fifo.create(dir.resolve("ref-" + format + ".fifo"))) {
            Process server = procs.start(c(format, "server"), fifo.path().toString());
            Process client = procs.start(c(format, "client"), fifo.path().toString());
            client.getOutputStream().write(line.getBytes(StandardCharsets.UTF_8));
            client.getOutputStream().close();
            byte[] out = server.getInputStream().readAllBytes();
            assertThat(Processes.waitFor(server, 20)).isZero();
            assertThat(Processes.waitFor(client, 20)).isZero();
            return out;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"line", "mesg"})
    void cClientToFifokitServerPrintsExactlyWhatTheCServerPrints(String format) throws Exception {
        Path fifo = dir.resolve("echo.fifo");
        try (Processes procs = new Processes()) {
            Process server = procs.start(new ProcessBuilder(CliProcess.command(
                    "echo-server", "--format", format, "--once", fifo.toString())));
            awaitFile(fifo);
            Process client = procs.start(c(format, "client"), fifo.toString());
            client.getOutputStream().write((TEXT + "\n").getBytes(StandardCharsets.UTF_8));
            client.getOutputStream().close();
            CliProcess.Result r = CliProcess.finish(server, new byte[0], 30);
            assertThat(Processes.waitFor(client, 20)).isZero();
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(r.stdout()).isEqualTo(cReference(format, TEXT + "\n"));
            assertThat(r.out()).isEqualTo(TEXT + "\n");
            assertThat(fifo).as("the server removes the FIFO it created").doesNotExist();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"line", "mesg"})
    void fifokitClientToCServer(String format) throws Exception {
        try (Processes procs = new Processes(); Fifo fifo = Fifo.create(dir.resolve("c.fifo"))) {
            Process server = procs.start(c(format, "server"), fifo.path().toString());
            CliProcess.Result r = CliProcess.run(30, "echo-client", "--format", format, fifo.path().toString(), TEXT);
            assertThat(r.exit()).as(r.stderr()).isZero();
            byte[] out = server.getInputStream().readAllBytes();
            assertThat(Processes.waitFor(server, 20)).isZero();
            assertThat(out).isEqualTo(cReference(format, TEXT + "\n"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"line", "mesg"})
    void stdinLinesRoundTripThroughClientAndServerWithEscapes(String format) throws Exception {
        Path fifo = dir.resolve("lines.fifo");
        String lines = "first\nC:\\\\dir\\\\file\ntwo\\nlines\n\nlast line without newline";
        try (Processes procs = new Processes()) {
            Process server = procs.start(new ProcessBuilder(CliProcess.command(
                    "echo-server", "--format", format, "--once", fifo.toString())));
            CliProcess.Result client = CliProcess.run(lines.getBytes(StandardCharsets.UTF_8), 30,
                    "echo-client", "--format", format, fifo.toString());
            assertThat(client.exit()).as(client.stderr()).isZero();
            CliProcess.Result r = CliProcess.finish(server, new byte[0], 30);
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(r.out()).isEqualTo(lines + "\n");
        }
    }

    @Test
    void serverServesClientAfterClientAndRemovesItsFifoWhenStopped() throws Exception {
        Path fifo = dir.resolve("server.fifo");
        try (Processes procs = new Processes()) {
            Process server = procs.start(new ProcessBuilder(CliProcess.command(
                    "echo-server", "--format", "mesg", fifo.toString())));
            for (String m : List.of("one", "two", "three")) {
                CliProcess.Result r = CliProcess.run(30, "echo-client", "--format", "mesg", fifo.toString(), m);
                assertThat(r.exit()).as(r.stderr()).isZero();
            }
            byte[] expected = "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8);
            byte[] got = server.getInputStream().readNBytes(expected.length);
            assertThat(got).isEqualTo(expected);
            server.destroy(); // SIGTERM
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(fifo).doesNotExist();
        }
    }

    @Test
    void clientWaitsForTheServerToCreateTheFifo() throws Exception {
        Path fifo = dir.resolve("later.fifo");
        try (Processes procs = new Processes()) {
            Process client = procs.start(new ProcessBuilder(CliProcess.command(
                    "echo-client", "--format", "mesg", fifo.toString(), "early bird")));
            Thread.sleep(700);
            assertThat(client.isAlive()).isTrue();
            Process server = procs.start(new ProcessBuilder(CliProcess.command(
                    "echo-server", "--format", "mesg", "--once", fifo.toString())));
            CliProcess.Result c = CliProcess.finish(client, new byte[0], 30);
            assertThat(c.exit()).as(c.stderr()).isZero();
            CliProcess.Result s = CliProcess.finish(server, new byte[0], 30);
            assertThat(s.out()).isEqualTo("early bird\n");
        }
    }

    @Test
    void clientGivesUpWithExit124WhenNoServerComes() throws Exception {
        CliProcess.Result r = CliProcess.run(30, "echo-client", "-t", "300ms", dir.resolve("none.fifo").toString(), "x");
        assertThat(r.exit()).isEqualTo(124);
        assertThat(r.stderr()).isEqualTo("fifokit: " + dir.resolve("none.fifo") + ": no reader opened it within 300ms\n");
    }

    @Test
    void serverRefusesAPathThatIsNotAFifo() throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        CliProcess.Result r = CliProcess.run(30, "echo-server", "--once", file.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("exists and is not a FIFO").doesNotContain("Exception");
        assertThat(CliProcess.run(30, "echo-server", "--format", "raw", file.toString()).exit()).isEqualTo(2);
    }

    @Test
    void lineServerReportsAnUnterminatedLineAndAMesgClientThenKeepsServing() throws Exception {
        Path fifo = dir.resolve("line.fifo");
        try (Processes procs = new Processes()) {
            Process server = procs.start(new ProcessBuilder(CliProcess.command("echo-server", fifo.toString())));
            var log = new java.io.BufferedReader(new java.io.InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8));
            awaitFile(fifo);
            assertThat(Processes.waitFor(procs.sh("printf 'no newline' > '" + fifo + "'"), 20)).isZero();
            assertThat(log.readLine()).contains("truncated message at byte offset 0", "(no newline)",
                    "received: \"no newline\"");
            CliProcess.Result mesg = CliProcess.run(30, "echo-client", "--format", "mesg", fifo.toString(), "hello");
            assertThat(mesg.exit()).as(mesg.stderr()).isZero();
            assertThat(log.readLine()).contains("truncated message", "\\x05\\x00", "hello\"");
            assertThat(Files.isRegularFile(fifo)).isFalse();
            CliProcess.Result ok = CliProcess.run(30, "echo-client", fifo.toString(), "normal one");
            assertThat(ok.exit()).as(ok.stderr()).isZero();
            byte[] expected = "normal one\n".getBytes(StandardCharsets.UTF_8);
            assertThat(server.getInputStream().readNBytes(expected.length)).isEqualTo(expected);
            assertThat(server.isAlive()).isTrue();
            assertThat(Files.getAttribute(fifo, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .matches(m -> (((Integer) m) & 0170000) == 0010000, "still the server's FIFO");
        }
    }

    @Test
    void mesgServerReportsACorruptHeaderThenKeepsServing() throws Exception {
        Path fifo = dir.resolve("mesg.fifo");
        try (Processes procs = new Processes()) {
            Process server = procs.start(new ProcessBuilder(CliProcess.command(
                    "echo-server", "--format", "mesg", fifo.toString())));
            var log = new java.io.BufferedReader(new java.io.InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8));
            awaitFile(fifo);
            assertThat(Processes.waitFor(procs.sh("echo 'plain text, not a frame' > '" + fifo + "'"), 20)).isZero();
            assertThat(log.readLine()).contains("corrupt frame at byte offset 0", "plain text, not a frame\\x0a");
            CliProcess.Result ok = CliProcess.run(30, "echo-client", "--format", "mesg", fifo.toString(), "after");
            assertThat(ok.exit()).as(ok.stderr()).isZero();
            byte[] expected = "after\n".getBytes(StandardCharsets.UTF_8);
            assertThat(server.getInputStream().readNBytes(expected.length)).isEqualTo(expected);
            assertThat(server.isAlive()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"line", "mesg"})
    void aHostileWriterStreamingGarbageDoesNotStopTheServer(String format) throws Exception {
        Path fifo = dir.resolve("hostile-" + format + ".fifo");
        try (Processes procs = new Processes()) {
            Process server = procs.start(new ProcessBuilder(CliProcess.command(
                    "echo-server", "--format", format, fifo.toString())));
            // drain the reports as they come, so the server never blocks on a full stderr pipe
            var log = new java.io.ByteArrayOutputStream();
            Thread drain = Thread.ofPlatform().start(() -> {
                try {
                    server.getErrorStream().transferTo(log);
                } catch (java.io.IOException ignored) {
                    // the server was stopped
                }
            });
            // and its output: garbage with newlines in it decodes to lines, which it prints
            var printed = new java.io.ByteArrayOutputStream();
            var goodOneSeen = new java.util.concurrent.CountDownLatch(1);
            Thread.ofPlatform().start(() -> {
                byte[] buf = new byte[8192];
                try (var in = server.getInputStream()) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        synchronized (printed) {
                            printed.write(buf, 0, n);
                            if (printed.toString(StandardCharsets.ISO_8859_1).endsWith("still here\n")) {
                                goodOneSeen.countDown();
                            }
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the server was stopped
                }
            });
            awaitFile(fifo);
            assertThat(Processes.waitFor(procs.sh("head -c 1000000 /dev/urandom > '" + fifo + "'"), 60)).isZero();
            // the garbage writer has exited, so at most one pipe's worth (64 KiB) is unread, which the
            // server drains long before a client JVM has started: the good message starts a stream of its own
            CliProcess.Result ok = CliProcess.run(60, "echo-client", "--format", format, fifo.toString(), "still here");
            assertThat(ok.exit()).as(ok.stderr()).isZero();
            assertThat(goodOneSeen.await(60, TimeUnit.SECONDS)).as("the good message after the garbage").isTrue();
            assertThat(server.isAlive()).isTrue();
            server.destroy();
            drain.join(20_000);
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("fifokit: " + fifo);
        }
    }

    @Test
    void catFollowReportsAWritersTruncatedLastLineAndGoesOn() throws Exception {
        Path fifo = dir.resolve("follow.fifo");
        try (Processes procs = new Processes(); Fifo f = Fifo.create(fifo)) {
            Process cat = procs.start(new ProcessBuilder(CliProcess.command(
                    "cat", "--follow", "--format", "line", fifo.toString())));
            var log = new java.io.BufferedReader(new java.io.InputStreamReader(cat.getErrorStream(), StandardCharsets.UTF_8));
            assertThat(Processes.waitFor(procs.sh("printf 'first\\ncut' > '" + fifo + "'"), 20)).isZero();
            assertThat(log.readLine()).contains("truncated message at byte offset 6", "received: \"cut\"");
            assertThat(Processes.waitFor(procs.sh("echo second > '" + fifo + "'"), 20)).isZero();
            byte[] expected = "first\nsecond\n".getBytes(StandardCharsets.UTF_8);
            assertThat(cat.getInputStream().readNBytes(expected.length)).isEqualTo(expected);
            assertThat(cat.isAlive()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void ctrlCOrSigtermEndsTheServerWithStatus0AfterPrintingWhatItReceivedAndRemovesItsFifo(String signal)
            throws Exception {
        Path fifo = dir.resolve("stopped-" + signal + ".fifo");
        try (Processes procs = new Processes()) {
            Process server = procs.start(new ProcessBuilder(CliProcess.command("echo-server", fifo.toString())));
            awaitFile(fifo);
            CliProcess.Result sent = CliProcess.run(30, "echo-client", fifo.toString(), "before the signal");
            assertThat(sent.exit()).as(sent.stderr()).isZero();
            byte[] expected = "before the signal\n".getBytes(StandardCharsets.UTF_8);
            assertThat(server.getInputStream().readNBytes(expected.length)).isEqualTo(expected);
            // the server now waits for its next client, as it does between clients
            assertThat(Processes.waitFor(procs.start("kill", "-" + signal, Long.toString(server.pid())), 10)).isZero();
            assertThat(Processes.waitFor(server, 30)).as("exit status after SIG" + signal).isZero();
            assertThat(new String(server.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
            assertThat(fifo).as("the FIFO it created").doesNotExist();
        }
    }

    @Test
    void aSignalWhileWaitingForTheFirstClientAlsoEndsWithStatus0() throws Exception {
        Path fifo = dir.resolve("never-used.fifo");
        try (Processes procs = new Processes()) {
            Process server = procs.start(new ProcessBuilder(CliProcess.command("echo-server", fifo.toString())));
            awaitFile(fifo);
            assertThat(Processes.waitFor(procs.start("kill", "-INT", Long.toString(server.pid())), 10)).isZero();
            assertThat(Processes.waitFor(server, 30)).isZero();
            assertThat(fifo).doesNotExist();
        }
    }

    static void awaitFile(Path p) throws InterruptedException {
        for (int i = 0; i < 1500 && !Files.exists(p); i++) {
            Thread.sleep(10);
        }
        assertThat(p).exists();
    }
}
