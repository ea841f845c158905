package dev.fifokit.cli;

import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.OpenOptions;
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
                try (FifoReader end = FifoReader.open(out.path(), OpenOptions.defaults().timeout(Duration.ofSeconds(60)));
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
