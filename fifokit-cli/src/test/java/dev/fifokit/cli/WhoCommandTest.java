package dev.fifokit.cli;

import dev.fifokit.diagnostics.FifoHolders;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
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

/** {@code fifokit who} on real processes in each state, in text and in JSON. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WhoCommandTest {
    private static final String[] READ_WAIT = {"anon_pipe_read", "pipe_read"};
    private static final String[] WRITE_WAIT = {"anon_pipe_write", "pipe_write"};

    @TempDir
    Path dir;

    private final Processes processes = new Processes();

    /** The text form of the last {@link #who} call. */
    private String lastText;

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
        // fixed-width columns: COMMAND is a command line and may hold spaces; a row keeps its
        // first word (the program) there, and the whole text is checked through rowText
        String header = lines.getFirst();
        int[] at = {0, header.indexOf("COMMAND"), header.indexOf("FD"), header.indexOf("MODE"), header.indexOf("STATE")};
        List<String[]> rows = lines.stream().skip(1).filter(l -> l.matches("^\\d+\\s.*")).map(l -> {
            String[] r = new String[5];
            for (int i = 0; i < 5; i++) {
                r[i] = l.substring(at[i], i == 4 ? l.length() : at[i + 1]).strip();
            }
            r[1] = r[1].split(" ")[0];
            return r;
        }).toList();
        List<String> diagnosis = lines.stream().skip(1).filter(l -> !l.matches("^\\d+\\s.*")).toList();
        assertThat(rows).allSatisfy(r -> assertThat(r).hasSize(5));

        CliProcess.Result json = CliProcess.run(60, concat("who", concat("--json", args)));
        assertThat(json.exit()).as(json.stderr()).isZero();
        assertThat(json.out()).endsWith("}\n");
        Map<String, Object> obj = MiniJson.object(json.out());
        assertThat(obj.keySet()).containsExactly("path", "device", "inode", "holders", "opening", "diagnosis");
        assertThat((String) obj.get("device")).matches("\\d+:\\d+");
        lastText = text.out();
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
    void commandIsTheCommandLineSoJvmsAndShellsCanBeToldApart() throws Exception {
        Path p = fifo();
        Process cat = processes.start("cat", p.toString());
        Processes.awaitWchan(cat.pid(), 10_000, "wait_for_partner");
        who(p.toString());
        assertThat(("cat " + p).length()).isLessThanOrEqualTo(CommandLines.WIDTH);
        assertThat(lastText).containsPattern("(?m)^" + cat.pid() + "\\s+" + java.util.regex.Pattern.quote("cat " + p)
                + "\\s+-\\s+read\\s+blocked-open$");
        assertThat(CommandLines.shorten(List.of("/usr/lib/jvm/jdk-25/bin/java", "--enable-native-access=ALL-UNNAMED",
                "-cp", "a.jar:b.jar", "-XX:+UseSerialGC", "dev.fifokit.cli.Main", "cat", "/tmp/p"), "java"))
                .isEqualTo("fifokit cat /tmp/p");
        assertThat(CommandLines.shorten(List.of("java", "-Xmx1g", "-jar", "/opt/app.jar", "serve"), "java"))
                .isEqualTo("java -jar /opt/app.jar serve");
        assertThat(CommandLines.shorten(List.of("java", "-Xmx1g", "dev.example.Main", "--port", "80"), "java"))
                .isEqualTo("java dev.example.Main --port 80");
        // the launcher's command line: by the command the user typed
        assertThat(CommandLines.shorten(List.of("/usr/lib/jvm/jdk-25/bin/java", "--enable-native-access=ALL-UNNAMED",
                "-XX:AOTCache=/src/fifokit/fifokit-cli/target/fifokit.aot", "-jar",
                "/src/fifokit/fifokit-cli/target/fifokit.jar", "serve", "/tmp/d", "--", "tr", "a-z", "A-Z"), "java"))
                .isEqualTo("fifokit serve /tmp/d -- tr a-z A-Z");
        assertThat(CommandLines.shorten(List.of("sleep", "x".repeat(100)), "sleep")).hasSize(CommandLines.WIDTH).endsWith("...");
    }

    @Test
    void fifokitsOwnJvmIsShownByItsSubcommand() throws Exception {
        Path p = fifo();
        Process cat = processes.start(new ProcessBuilder(CliProcess.command("cat", p.toString())));
        dev.fifokit.testing.Await.until(Duration.ofSeconds(60), "fifokit cat has the FIFO open",
                () -> Processes.descriptorsOn(cat.pid(), p) > 0);
        Seen seen = who(p.toString());
        assertThat(lastText).containsPattern("(?m)^" + cat.pid() + "\\s+" + java.util.regex.Pattern.quote("fifokit cat " + p)
                + "\\s");
        assertThat(seen.row(cat.pid())[1]).isEqualTo("fifokit");
    }

    @Test
    void rootInAContainerIsToldTheScanIsPartial() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new java.io.File("/usr/bin/setpriv").canExecute()
                && new java.io.File("/usr/bin/unshare").canExecute(), "setpriv and unshare needed");
        Path p = fifo();
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Process holder = processes.start("sh", "-c", "exec sleep 300 3<>'" + p + "'");
        Processes.awaitWchan(holder.pid(), 10_000, "hrtimer_nanosleep", "do_nanosleep");
        // an unprivileged user made root of a user namespace of its own, as in a rootless container:
        // root there, yet the processes outside may not be inspected
        List<String> cmd = new java.util.ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "unshare", "--user", "--map-root-user"));
        List<String> cli = new java.util.ArrayList<>(CliProcess.command("who", p.toString()));
        int cp = cli.indexOf("-cp") + 1;
        cli.set(cp, readableClassPath(cli.get(cp)));
        cmd.addAll(cli);
        var r = CliProcess.finish(new ProcessBuilder(cmd).start(), new byte[0], 60);
        org.junit.jupiter.api.Assumptions.assumeFalse(r.stderr().contains("unshare: "), "user namespaces not allowed: " + r.stderr());
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.out()).contains("no process this user may inspect has it open")
                .containsPattern("partial: \\d+ process(es)? could not be inspected even as root");
    }

    /**
     * The class path with every entry copied where a user other than root may read it: jars under
     * /root, and the build's own class directories and jars when the checkout sits in a private
     * directory (a temporary clone).
     */
    private String readableClassPath(String classPath) throws Exception {
        Path copies = Files.createDirectories(dir.resolve("cp"));
        List<String> out = new java.util.ArrayList<>();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path e = Path.of(entry);
            if (!Files.exists(e)) {
                continue;
            }
            Path copy = copies.resolve(out.size() + "-" + e.getFileName());
            try (var tree = Files.walk(e)) {
                for (Path from : (Iterable<Path>) tree::iterator) {
                    Path to = copy.resolve(e.relativize(from).toString());
                    if (Files.isDirectory(from)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(from, e.equals(from) ? copy : to);
                    }
                }
            }
            out.add(copy.toString());
        }
        try (var tree = Files.walk(copies)) {
            for (Path c : (Iterable<Path>) tree::iterator) {
                Files.setPosixFilePermissions(c, java.nio.file.attribute.PosixFilePermissions.fromString(
                        Files.isDirectory(c) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    @Test
    void catBlockedInRead() throws Exception {
        Path p = fifo();
        Process cat = processes.start("cat", p.toString());
        try (FifoWriter _ = FifoWriter.open(p, WriterOptions.defaults().timeout(Duration.ofSeconds(10)))) {
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
        try (FifoReader _ = FifoReader.open(p, ReaderOptions.defaults().awaitWriter(false))) {
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
        try (FifoWriter _ = FifoWriter.open(p, WriterOptions.defaults().timeout(Duration.ofSeconds(10)))) {
            Processes.awaitWchan(cat.pid(), 10_000, READ_WAIT);
            Files.delete(p);
            String viaProc = "/proc/" + cat.pid() + "/fd/3";

            Seen seen = who("-L", viaProc);

            assertThat(seen.row(cat.pid())).containsExactly(Long.toString(cat.pid()), "cat", "3", "read", "blocked-read");
            assertThat(seen.diagnosis()).anyMatch(d -> d.startsWith("it has been unlinked"));
            assertThat(seen.json().get("path")).isEqualTo(viaProc);

            // /proc/PID/fd/N names an open descriptor, not a planted link: no -L needed
            Seen plain = who(viaProc);
            assertThat(plain.row(cat.pid())).containsExactly(Long.toString(cat.pid()), "cat", "3", "read", "blocked-read");

            Path link = Files.createSymbolicLink(dir.resolve("link"), Path.of(viaProc));
            CliProcess.Result refused = CliProcess.run(60, "who", link.toString());
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.stderr()).startsWith("fifokit: " + link + ": ").contains("symbolic link", "-L");
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
