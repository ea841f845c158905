package dev.fifokit.cli;

import dev.fifokit.ends.FifoReadWrite;
import dev.fifokit.files.Fifo;
import dev.fifokit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fifokit limits} reads /proc instead of calling libc (start-up time, see BENCHMARKS.md); its numbers
 * must still be the system's, as tools outside the JVM report them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LimitsCommandTest {

    @Test
    void numbersAgreeWithGetconf() throws Exception {
        var r = CliProcess.run(60, "limits", "--json");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(value(r.out(), "page_size")).isEqualTo(Long.parseLong(sh("getconf PAGESIZE")));
        assertThat(value(r.out(), "pipe_buf")).isEqualTo(Long.parseLong(sh("getconf PIPE_BUF /")));
        assertThat(value(r.out(), "max_capacity"))
                .isEqualTo(Long.parseLong(sh("cat /proc/sys/fs/pipe-max-size")));
    }

    @Test
    void openMaxIsTheDescriptorLimitTheShellSet() throws Exception {
        // soft = hard, so the JVM cannot raise it at start (it raises the soft limit to the hard one)
        long hard = Long.parseLong(sh("ulimit -H -n"));
        long limit = Math.min(hard, 1000);
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "ulimit -n " + limit + " && exec \"$@\"", "sh"));
        cmd.addAll(CliProcess.command("limits", "--json"));
        Process p = new ProcessBuilder(cmd).start();
        var r = CliProcess.finish(p, new byte[0], 60);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(value(r.out(), "open_max")).isEqualTo(limit);
    }

    @Test
    void askingAboutAFifoReleasesNoWaitingWriterAndLosesNoByte(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("p");
        Fifo.create(fifo, 0600).keep().close();
        // a shell writer blocked in open(2), waiting for a reader
        Process writer = new ProcessBuilder("sh", "-c", "printf payload > \"$1\"", "sh", fifo.toString()).start();
        Process reader = null;
        try {
            Await.until(Duration.ofSeconds(20), "the writer waits in open", () -> "wait_for_partner".equals(wchan(writer.pid())));
            for (int i = 0; i < 3; i++) {
                var r = CliProcess.run(60, "limits", "--json", fifo.toString());
                assertThat(r.exit()).as(r.stderr()).isZero();
                assertThat(r.out()).contains("\"capacity\":null", "\"capacity_state\":\"not-open\"",
                        "\"mode\":\"0600\"");
                var text = CliProcess.run(60, "limits", fifo.toString());
                assertThat(text.out()).contains("nobody has it open", "1 process is waiting in open()");
            }
            assertThat(writer.isAlive()).as("the writer is still waiting for a reader").isTrue();
            assertThat(wchan(writer.pid())).isEqualTo("wait_for_partner");
            // a later reader still gets every byte
            reader = new ProcessBuilder("cat", fifo.toString()).start();
            byte[] got = reader.getInputStream().readAllBytes();
            assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("payload");
            assertThat(writer.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(writer.exitValue()).isZero();
        } finally {
            writer.destroyForcibly();
            if (reader != null) {
                reader.destroyForcibly();
            }
        }
    }

    @Test
    void anOpenFifosCapacityIsMeasuredOnAHoldersDescriptor(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("p");
        Fifo.create(fifo, 0600).keep().close();
        try (FifoReadWrite end = FifoReadWrite.open(fifo)) {
            int set = end.setCapacity(128 * 1024);
            end.write("unread".getBytes(StandardCharsets.UTF_8), 0, 6);
            var r = CliProcess.run(60, "limits", "--json", fifo.toString());
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(value(r.out(), "capacity")).isEqualTo(set).isNotEqualTo(value(r.out(), "default_capacity"));
            assertThat(r.out()).contains("\"capacity_state\":\"open\"");
            // nothing was read: the bytes are still there for the reader
            assertThat(end.available()).isEqualTo(6);
        }
    }

    @Test
    void aSymlinkIsRefusedWithTheFlagThatFollowsIt(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("p");
        Fifo.create(fifo, 0600).keep().close();
        Path link = Files.createSymbolicLink(dir.resolve("link"), fifo);
        var refused = CliProcess.run(60, "limits", link.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.stderr()).contains("symbolic link", "-L");
        var followed = CliProcess.run(60, "limits", "-L", "--json", link.toString());
        assertThat(followed.exit()).as(followed.stderr()).isZero();
        assertThat(followed.out()).contains("\"capacity_state\":\"not-open\"");
    }

    private static String wchan(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "wchan")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static long value(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(json);
        assertThat(m.find()).as("%s in %s", key, json).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("%s: %s", script, out).isZero();
            return out;
        } finally {
            p.destroyForcibly();
        }
    }
}
