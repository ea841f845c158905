package dev.fifokit.diagnostics;

import dev.fifokit.NoSuchProcessException;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.files.Fifo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LauncherTest {
    @TempDir
    Path dir;

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private void collect(Launcher.Source source, String line) {
        lines.add((source == Launcher.Source.STDOUT ? "out| " : "err| ") + line);
    }

    private String nextLine() throws InterruptedException {
        String line = lines.poll(20, TimeUnit.SECONDS);
        assertThat(line).as("a line within 20s").isNotNull();
        return line;
    }

    @Test
    void streamsTheFirstLineWhileTheCommandStillRuns() throws Exception {
        try (Launcher l = Launcher.shell("echo first; sleep 30; echo never", this::collect)) {
            assertThat(nextLine()).isEqualTo("out| first");
            assertThat(l.isAlive()).isTrue();
            assertThat(l.exitStatus()).isEmpty();
            assertThat(l.status().pid()).isEqualTo(l.pid());
        }
        assertThat(lines).doesNotContain("out| never");
    }

    @Test
    void separatesStdoutFromStderrAndReportsTheExitStatus() throws Exception {
        try (Launcher l = Launcher.shell("echo out1; echo err1 >&2; printf 'no newline'; exit 3", this::collect)) {
            assertThat(l.waitFor()).isEqualTo(3);
            assertThat(l.exitStatus()).hasValue(3);
            assertThat(List.copyOf(lines)).contains("out| out1", "err| err1", "out| no newline");
            assertThatThrownBy(l::status).isInstanceOf(NoSuchProcessException.class);
        }
    }

    @Test
    void showsTheSeminarsWriterWaitingForAReader() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("my_fifo"));
             Launcher cat = Launcher.start(List.of("cat", fifo.path().toString()), this::collect)) {
            awaitActivity(cat, "sleeping in wait_for_partner");
            try (FifoWriter w = FifoWriter.open(fifo.path(), WriterOptions.defaults().timeout(Duration.ofSeconds(10)))) {
                w.write("Hello from Java\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(nextLine()).isEqualTo("out| Hello from Java");
            assertThat(cat.waitFor()).isZero();
        }
    }

    @Test
    void closeTerminatesTheCommandAndItsChildren() throws Exception {
        Launcher l = Launcher.shell("sleep 30 & echo child $!; wait", this::collect);
        String child = nextLine();
        long childPid = Long.parseLong(child.substring("out| child ".length()));
        l.close();
        assertThat(l.isAlive()).isFalse();
        assertThat(l.exitStatus()).hasValue(128 + 15);
        assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        l.close(); // idempotent
    }

    @Test
    void closeKillsACommandThatIgnoresTerm() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done");
        Launcher l = Launcher.start(pb, Duration.ofMillis(300), this::collect);
        assertThat(nextLine()).isEqualTo("out| ready");
        List<ProcessHandle> tree = ProcessHandle.of(l.pid()).orElseThrow().descendants().toList();
        l.close();
        assertThat(l.exitStatus()).hasValue(128 + 9);
        for (ProcessHandle h : tree) {
            h.onExit().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMissingProgramIsCommandNotFound() {
        assertThatThrownBy(() -> Launcher.start(List.of(dir.resolve("nope").toString()), this::collect))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("command not found");
    }

    @Test
    void aFailingListenerDoesNotStopTheOutput() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (Launcher l = Launcher.shell("echo a; echo b", (s, line) -> {
            seen.add(line);
            throw new IllegalStateException("listener bug");
        })) {
            assertThat(l.waitFor()).isZero();
        }
        assertThat(List.copyOf(seen)).containsExactly("a", "b");
    }

    private static void awaitActivity(Launcher l, String activity) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String last = "";
        while (System.nanoTime() < end) {
            last = l.status().activity();
            if (last.equals(activity)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("activity stayed '" + last + "'");
    }
}
