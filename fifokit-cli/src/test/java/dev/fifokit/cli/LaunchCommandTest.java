package dev.fifokit.cli;

import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.files.Fifo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fifokit launch -- COMMAND}. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LaunchCommandTest {
    @TempDir
    Path dir;

    /** Lines of a child's stream as they come. */
    private static BlockingQueue<String> lines(InputStream in) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    q.add(line);
                }
            } catch (Exception ignored) {
                // process gone
            }
        });
        return q;
    }

    private static String next(BlockingQueue<String> q) throws InterruptedException {
        String line = q.poll(30, TimeUnit.SECONDS);
        assertThat(line).as("a line within 30s").isNotNull();
        return line;
    }

    private static String awaitLine(BlockingQueue<String> q, String prefix) throws InterruptedException {
        while (true) {
            String line = next(q);
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    @Test
    void streamsOutputBeforeTheCommandEndsAndSigtermStopsIt() throws Exception {
        Process launch = CliProcess.start("launch", "--", "sh", "-c", "echo first; exec sleep 60");
        try {
            BlockingQueue<String> out = lines(launch.getInputStream());
            BlockingQueue<String> err = lines(launch.getErrorStream());
            String pidLine = next(err);
            assertThat(pidLine).matches("pid \\d+");
            long pid = Long.parseLong(pidLine.substring(4));
            assertThat(next(out)).isEqualTo("out| first");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).hasValue(true);

            launch.destroy(); // SIGTERM to fifokit
            assertThat(launch.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(launch.exitValue()).isEqualTo(128 + 15);
            ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        } finally {
            launch.descendants().forEach(ProcessHandle::destroyForcibly);
            launch.destroyForcibly();
        }
    }

    @Test
    void prefixesBothStreamsKeepsEachOnItsOwnStreamAndExitsWithTheCommandsStatus() throws Exception {
        CliProcess.Result r = CliProcess.run(60, "launch", "--", "sh", "-c", "echo a; echo b >&2; echo 'c|d'; exit 3");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out().lines()).containsExactly("out| a", "out| c|d");
        assertThat(r.stderr().lines()).contains("err| b").doesNotContain("out| a");
        assertThat(r.stderr().lines().findFirst()).hasValueSatisfying(l -> assertThat(l).matches("pid \\d+"));
        assertThat(r.stderr().lines().reduce((a, b) -> b)).hasValue("exit 3");
    }

    @Test
    void reportsTheCommandWaitingToOpenAFifo() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("my_fifo"))) {
            Process launch = CliProcess.start("launch", "--", "cat", fifo.path().toString());
            try {
                BlockingQueue<String> out = lines(launch.getInputStream());
                BlockingQueue<String> err = lines(launch.getErrorStream());
                assertThat(next(err)).startsWith("pid ");
                assertThat(awaitLine(err, "state sleeping in wait_for_partner"))
                        .isEqualTo("state sleeping in wait_for_partner (waiting in open() for the other end)");
                try (FifoWriter w = FifoWriter.open(fifo.path(), WriterOptions.defaults().timeout(Duration.ofSeconds(10)))) {
                    w.write("Hello\n".getBytes(StandardCharsets.UTF_8));
                }
                assertThat(next(out)).isEqualTo("out| Hello");
                assertThat(awaitLine(err, "exit ")).isEqualTo("exit 0");
                assertThat(launch.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(launch.exitValue()).isZero();
            } finally {
                launch.descendants().forEach(ProcessHandle::destroyForcibly);
                launch.destroyForcibly();
            }
        }
    }

    @Test
    void commandNotFoundIs127() throws Exception {
        CliProcess.Result r = CliProcess.run(60, "launch", "--", dir.resolve("nope").toString());
        assertThat(r.exit()).isEqualTo(127);
        assertThat(r.stderr()).isEqualTo("fifokit: " + dir.resolve("nope") + ": command not found\n");
        assertThat(CliProcess.run(60, "launch").exit()).isEqualTo(2);
    }
}
