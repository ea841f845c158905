package dev.fifokit.cli;

import dev.fifokit.diagnostics.FifoHolders;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.OpenOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.testing.CPeer;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fifokit who} on real processes in each state, in text and in JSON (SPEC §8, §12). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WhoCommandTest {
    private static final String[] READ_WAIT = {"anon_pipe_read", "pipe_read"};
    private static final String[] WRITE_WAIT = {"anon_pipe_write", "pipe_write"};

    @TempDir
    Path dir;

    private final Processes processes = new Processes();

    @AfterEach
    void stopProcesses() {
        processes.close();
    }

    /** What one scenario looks like through both forms of the command. */
    private record Seen(List<String[]> rows, List<String> diagnosis, Map<String, Object> json) {
        String[] row(long pid) {
            return rows.stream().filter(r -> r[0].equals(Long.toString(pid))).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for pid " + pid + " in " + rowsText()));
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list(String key) {
            return (List<Map<String, Object>>) json.get(key);
        }

        Map<String, Object> entry(String key, long pid) {
            return list(key).stream().filter(m -> m.get("pid").equals(pid)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + key + " entry for pid " + pid + " in " + json));
        }

        String rowsText() {
            return rows.stream().map(Arrays::toString).toList().toString();
        }
    }

    private Seen who(String... args) throws Exception {
        CliProcess.Result text = CliProcess.run(60, concat("who", args));
        assertThat(text.exit()).as(text.stderr()).isZero();
        List<String> lines = text.out().lines().toList();
        assertThat(lines.getFirst().split("\\s+")).containsExactly("PID", "COMMAND", "FD", "MODE", "STATE");
        List<String[]> rows = lines.stream().skip(1).filter(l -> l.matches("^\\d+\\s.*")).map(l -> l.split("\\s+")).toList();
        List<String> diagnosis = lines.stream().skip(1).filter(l -> !l.matches("^\\d+\\s.*")).toList();
        assertThat(rows).allSatisfy(r -> assertThat(r).hasSize(5));

        CliProcess.Result json = CliProcess.run(60, concat("who", concat("--json", args)));
        assertThat(json.exit()).as(json.stderr()).isZero();
        assertThat(json.out()).endsWith("}\n");
        Map<String, Object> obj = MiniJson.object(json.out());
        assertThat(obj.keySet()).containsExactly("path", "device", "inode", "holders", "opening", "diagnosis");
        assertThat((String) obj.get("device")).matches("\\d+:\\d+");
        return new Seen(rows, diagnosis, obj);
    }

    private static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private Path fifo() throws Exception {
        return Fifo.create(dir.resolve("p")).keep().path();
    }

    @Test
    void catBlockedInOpen() throws Exception {
        Path p = fifo();
        Process cat = processes.start("cat", p.toString());
        Processes.awaitWchan(cat.pid(), 10_000, "wait_for_partner");

        Seen seen = who(p.toString());

        assertThat(seen.row(cat.pid())).containsExactly(Long.toString(cat.pid()), "cat", "-", "read", "blocked-open");
        assertThat(seen.diagnosis()).anyMatch(d -> d.startsWith("no writer: readers will block"));
        assertThat(seen.list("holders")).isEmpty();
        assertThat(seen.entry("opening", cat.pid())).containsExactly(
                Map.entry("pid", cat.pid()), Map.entry("command", "cat"),
                Map.entry("mode", "read"), Map.entry("state", "blocked-open"));
        assertThat(seen.json().get("path")).isEqualTo(p.toString());
        assertThat(seen.json().get("inode")).isEqualTo(Files.getAttribute(p, "unix:ino"));
        assertThat(seen.json().get("diagnosis")).isEqualTo(seen.diagnosis());
    }

    @Test
    void catBlockedInRead() throws Exception {
        Path p = fifo();
        Process cat = processes.start("cat", p.toString());
        try (FifoWriter _ = FifoWriter.open(p, OpenOptions.defaults().timeout(Duration.ofSeconds(10)))) {
            Processes.awaitWchan(cat.pid(), 10_000, READ_WAIT);

            Seen seen = who(p.toString());

            assertThat(seen.row(cat.pid())).containsExactly(Long.toString(cat.pid()), "cat", "3", "read", "blocked-read");
            assertThat(seen.row(ProcessHandle.current().pid())[3]).isEqualTo("write");
            assertThat(seen.entry("holders", cat.pid())).containsExactly(
                    Map.entry("pid", cat.pid()), Map.entry("command", "cat"), Map.entry("fd", 3L),
                    Map.entry("mode", "read"), Map.entry("state", "blocked-read"));
            assertThat(seen.list("opening")).isEmpty();
            assertThat(seen.diagnosis()).isEmpty();
        }
    }

    @Test
    void shellWriterBlockedInOpen() throws Exception {
        Path p = fifo();
        Process sh = processes.sh("sleep 30 > '" + p + "'");
        awaitOpening(p);

        Seen seen = who(p.toString());

        assertThat(seen.rows()).singleElement().satisfies(r -> {
            assertThat(r[1]).isEqualTo("sh");
            assertThat(r[2]).isEqualTo("-");
            assertThat(r[3]).isEqualTo("write");
            assertThat(r[4]).isEqualTo("blocked-open");
        });
        assertThat(seen.diagnosis()).anyMatch(d -> d.startsWith("no reader: writers will block"));
        assertThat(seen.list("holders")).isEmpty();
        assertThat(seen.list("opening")).singleElement().satisfies(o -> {
            assertThat(o.get("command")).isEqualTo("sh");
            assertThat(o.get("mode")).isEqualTo("write");
            assertThat(o.get("state")).isEqualTo("blocked-open");
        });
        assertThat(sh.isAlive()).isTrue();
    }

    @Test
    void writerBlockedOnAFullPipe() throws Exception {
        Path p = fifo();
        try (FifoReader _ = FifoReader.open(p, OpenOptions.defaults().awaitWriter(false))) {
            Process writer = processes.start(new ProcessBuilder("cat", "/dev/zero").redirectOutput(p.toFile()));
            Processes.awaitWchan(writer.pid(), 10_000, WRITE_WAIT);

            Seen seen = who(p.toString());

            assertThat(seen.row(writer.pid())).containsExactly(Long.toString(writer.pid()), "cat", "1", "write", "blocked-write");
            assertThat(seen.entry("holders", writer.pid()).get("state")).isEqualTo("blocked-write");
            assertThat(seen.entry("holders", ProcessHandle.current().pid()).get("mode")).isEqualTo("read");
            assertThat(seen.diagnosis()).anyMatch(d -> d.startsWith("pipe is full: pid " + writer.pid()));
        }
    }

    @Test
    void readWriteHolderExplainsWhyTheReaderNeverEnds() throws Exception {
        Path p = fifo();
        Path rw = CPeer.compile(dir, "hold_rw", """
                #include <fcntl.h>
                #include <stdio.h>
                #include <unistd.h>
                int main(int argc, char **argv) {
                    int fd = open(argv[1], O_RDWR);
                    if (fd < 0) { perror("open"); return 1; }
                    printf("%d\\n", fd);
                    fflush(stdout);
                    pause();
                    return 0;
                }
                """);
        Process holder = processes.start(rw.toString(), p.toString());
        String fd = new String(holder.getInputStream().readNBytes(2)).strip();
        Processes.awaitState(holder.pid(), 10_000, 'S'); // past its printf, in pause()
        Process cat = processes.start("cat", p.toString());
        Processes.awaitWchan(cat.pid(), 10_000, READ_WAIT);

        Seen seen = who(p.toString());

        assertThat(seen.row(holder.pid())).containsExactly(Long.toString(holder.pid()), "hold_rw", fd, "read-write", "sleeping");
        assertThat(seen.row(cat.pid())[4]).isEqualTo("blocked-read");
        String expected = "pid " + holder.pid() + " holds it read-write: readers will never see EOF";
        assertThat(seen.diagnosis()).contains(expected);
        assertThat(seen.entry("holders", holder.pid()).get("mode")).isEqualTo("read-write");
        assertThat(seen.json().get("diagnosis")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).contains(expected);
    }

    @Test
    void fifoUnlinkedWhileHeld() throws Exception {
        Path p = fifo();
        Process cat = processes.start("cat", p.toString());
        try (FifoWriter _ = FifoWriter.open(p, OpenOptions.defaults().timeout(Duration.ofSeconds(10)))) {
            Processes.awaitWchan(cat.pid(), 10_000, READ_WAIT);
            Files.delete(p);
            String viaProc = "/proc/" + cat.pid() + "/fd/3";

            Seen seen = who("-L", viaProc);

            assertThat(seen.row(cat.pid())).containsExactly(Long.toString(cat.pid()), "cat", "3", "read", "blocked-read");
            assertThat(seen.diagnosis()).anyMatch(d -> d.startsWith("it has been unlinked"));
            assertThat(seen.json().get("path")).isEqualTo(viaProc);

            CliProcess.Result refused = CliProcess.run(60, "who", viaProc);
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.stderr()).startsWith("fifokit: " + viaProc + ": ").contains("symbolic link");
        }
    }

    @Test
    void badPaths() throws Exception {
        CliProcess.Result missing = CliProcess.run(60, "who", dir.resolve("missing").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.stderr()).isEqualTo("fifokit: " + dir.resolve("missing") + ": no such file or directory\n");
        assertThat(missing.stdout()).isEmpty();

        Path file = Files.writeString(dir.resolve("file"), "x");
        CliProcess.Result notFifo = CliProcess.run(60, "who", "--json", file.toString());
        assertThat(notFifo.exit()).isEqualTo(1);
        assertThat(notFifo.stderr()).contains("exists and is not a FIFO");

        CliProcess.Result usage = CliProcess.run(60, "who");
        assertThat(usage.exit()).isEqualTo(2);
    }

    @Test
    void nobody() throws Exception {
        Seen seen = who(fifo().toString());
        assertThat(seen.rows()).isEmpty();
        assertThat(seen.diagnosis()).containsExactly("nobody has it open");
    }

    private static void awaitOpening(Path p) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (FifoHolders.of(p).opening().isEmpty()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("nobody started opening " + p);
            }
            Thread.sleep(20);
        }
    }
}
