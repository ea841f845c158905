package dev.fifokit.bridge;

import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FifoBridge#close()} ends a bridge wherever it waits (opening a FIFO nobody reads,
 * reading a FIFO nobody writes, between two dials, in accept), promptly, and leaves no
 * descriptor behind.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeCloseTest {
    @TempDir
    Path dir;

    @Test
    void closeEndsEveryWaitPromptlyAndLeaksNoDescriptor() throws Exception {
        round(); // the first round creates what lives for the JVM (fifokit's poller, the JDK's selectors)
        long before = descriptors();
        for (int i = 0; i < 3; i++) {
            round();
        }
        dev.fifokit.testing.Await.until(Duration.ofSeconds(10), "descriptors back to " + before + " from " + listing(),
                () -> descriptors() <= before);
    }

    private void round() throws Exception {
        try (Fifo in = Fifo.create(Files.createTempDirectory(dir, "r").resolve("in.fifo"));
             Fifo out = Fifo.create(in.path().resolveSibling("out.fifo"));
             ExecutorService ex = Fifos.threads()) {
            {
                // far: its FIFO has no reader, so it waits to open it with a message in hand
                FifoBridge far = FifoBridge.of(BridgeAddress.parse("tcp-listen:127.0.0.1:0"),
                        BridgeAddress.parse("fifo:" + out.path()), BridgeOptions.defaults().format(BridgeFormat.MESG)).start();
                // near: after its writer has sent one message it waits reading the FIFO
                FifoBridge near = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                        BridgeAddress.parse("tcp:127.0.0.1:" + far.localPort()), BridgeOptions.defaults().format(BridgeFormat.MESG)
                        .follow(true)).start();
                // a third dials a port nobody listens on, again and again
                FifoBridge dialler = FifoBridge.of(BridgeAddress.parse("fifo:" + in.path()),
                        BridgeAddress.parse("tcp:127.0.0.1:" + deadPort()), BridgeOptions.defaults().format(BridgeFormat.MESG)
                        .reconnect(true).backoff(Duration.ofMillis(50), Duration.ofSeconds(1))).start();
                Fifos.get(Fifos.writeAll(ex, in.path(), Framing.MESG, List.of(Message.of(1, "in hand"))),
                        Duration.ofSeconds(20));
                dev.fifokit.testing.Await.until(Duration.ofSeconds(20), "the far side holds the message",
                        () -> near.stats().messagesSent() == 1);
                Thread.sleep(200);
                long t0 = System.nanoTime();
                near.close();
                far.close();
                dialler.close();
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(ms).as("close took %d ms", ms).isLessThan(5_000);
                assertThat(far.isDone()).isTrue();
                assertThat(near.isDone()).isTrue();
                assertThat(dialler.isDone()).isTrue();
            }
        }
    }

    private static String listing() {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    b.append(fd.getFileName()).append("->").append(Files.readSymbolicLink(fd)).append(' ');
                } catch (IOException e) {
                    // closed meanwhile
                }
            });
        } catch (IOException e) {
            return e.toString();
        }
        return b.toString();
    }

    private static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static long descriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
