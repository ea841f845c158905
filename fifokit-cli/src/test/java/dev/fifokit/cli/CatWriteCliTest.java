package dev.fifokit.cli;

import dev.fifokit.files.Fifo;
import dev.fifokit.testing.CPeer;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CatWriteCliTest {
    @TempDir
    Path dir;

    @Test
    void catPrintsTheSeminarsCWriterByteExact() throws Exception {
        Path exe = CPeer.compile(dir, "write_fifo", CPeer.resource("/c/write_fifo.c"));
        try (Fifo fifo = Fifo.create(dir.resolve("my_fifo")); Processes ps = new Processes()) {
            Process writer = ps.start(exe.toString(), fifo.path().toString());
            var r = CliProcess.run(30, "cat", "-t", "10s", fifo.path().toString());
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(r.stdout()).isEqualTo("Hello from C!\n\0".getBytes(StandardCharsets.US_ASCII));
            assertThat(Processes.waitFor(writer, 10)).isZero();
        }
    }

    @Test
    void writeThenCatRoundTripsBinaryDataThroughSplice() throws Exception {
        byte[] data = new byte[5 * 1024 * 1024 + 3];
        new Random(1).nextBytes(data);
        try (Fifo fifo = Fifo.create(dir.resolve("p"))) {
            Process writer = CliProcess.start("write", "-t", "20s", fifo.path().toString());
            try {
                var feeder = Thread.ofPlatform().start(() -> {
                    try (var in = writer.getOutputStream()) {
                        in.write(data);
                    } catch (Exception ignored) {
                        // reported through the exit code below
                    }
                });
                var r = CliProcess.run(60, "cat", "-t", "20s", fifo.path().toString());
                feeder.join(10_000);
                assertThat(r.exit()).as(r.stderr()).isZero();
                assertThat(r.stdout()).isEqualTo(data);
                assertThat(Processes.waitFor(writer, 20)).isZero();
            } finally {
                writer.destroyForcibly();
            }
        }
    }

    @Test
    void catTimesOutWith124NamingTheMissingWriter() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"))) {
            var r = CliProcess.run(30, "cat", "-t", "300ms", fifo.path().toString());
            assertThat(r.exit()).isEqualTo(124);
            assertThat(r.stderr()).isEqualTo("fifokit: " + fifo.path() + ": no writer opened it within 300ms\n");
        }
    }

    @Test
    void writeNoWaitExits3AndTimeoutExits124() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"))) {
            var r = CliProcess.run("x".getBytes(), 30, "write", "--no-wait", fifo.path().toString());
            assertThat(r.exit()).isEqualTo(3);
            assertThat(r.stderr()).isEqualTo("fifokit: " + fifo.path() + ": no reader has the FIFO open\n");
            r = CliProcess.run("x".getBytes(), 30, "write", "-t", "200ms", fifo.path().toString());
            assertThat(r.exit()).isEqualTo(124);
            assertThat(r.stderr()).contains("no reader opened it within 200ms");
        }
    }

    @Test
    void writeExits141WhenTheReaderGoesAway() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p")); Processes ps = new Processes()) {
            Process head = ps.sh("head -c 100 '" + fifo.path() + "' > /dev/null");
            var r = CliProcess.run(new byte[8 * 1024 * 1024], 60, "write", "-t", "10s", fifo.path().toString());
            assertThat(r.exit()).isEqualTo(141);
            assertThat(r.stderr()).startsWith("fifokit: " + fifo.path() + ": reader went away");
            Processes.waitFor(head, 10);
        }
    }

    @Test
    void aBrokenPipeSaysTheBytesWrittenInAllNotOnlyThoseOfTheLastTransfer() throws Exception {
        int read = 10 << 20; // more than one transfer of write's (4 MiB each)
        try (Fifo fifo = Fifo.create(dir.resolve("p")); Processes ps = new Processes()) {
            Process head = ps.sh("head -c " + read + " '" + fifo.path() + "' > /dev/null");
            var r = CliProcess.run(new byte[32 << 20], 120, "write", fifo.path().toString());
            assertThat(r.exit()).isEqualTo(141);
            var said = java.util.regex.Pattern.compile("fifokit: " + java.util.regex.Pattern.quote(fifo.path().toString())
                    + ": reader went away \\(broken pipe\\) after (\\d+) bytes\n").matcher(r.stderr());
            assertThat(said.matches()).as(r.stderr()).isTrue();
            long total = Long.parseLong(said.group(1));
            assertThat(total).as("bytes written in all: what head read, and at most what the pipe held besides")
                    .isBetween((long) read, (long) read + (64L << 20));
            Processes.waitFor(head, 10);
        }
    }

    @Test
    void ownStdoutClosingEndsQuietlyWith141() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p")); Processes ps = new Processes()) {
            Process writer = ps.sh("head -c 20000000 /dev/zero > '" + fifo.path() + "'");
            String cmd = String.join(" ", CliProcess.command("cat", fifo.path().toString()).stream()
                    .map(a -> "'" + a + "'").toList());
            Process p = ps.start(new ProcessBuilder("bash", "-c",
                    "set -o pipefail; " + cmd + " | head -c 10 > /dev/null; echo \"status=$?\""));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            Processes.waitFor(p, 60);
            assertThat(out.trim()).isEqualTo("status=141");
            assertThat(err).isEmpty();
            writer.destroyForcibly();
        }
    }

    @Test
    void followKeepsReadingAsWritersComeAndGo() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p")); Processes ps = new Processes()) {
            Process cat = ps.start(new ProcessBuilder(CliProcess.command("cat", "--follow", fifo.path().toString())));
            for (String s : new String[] {"one\n", "two\n", "three\n"}) {
                Process w = ps.sh("printf '" + s.replace("\n", "\\n") + "' > '" + fifo.path() + "'");
                Processes.waitFor(w, 10);
            }
            byte[] expected = "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8);
            byte[] got = cat.getInputStream().readNBytes(expected.length);
            assertThat(got).isEqualTo(expected);
            assertThat(cat.isAlive()).isTrue();
        }
    }

    @Test
    void aWaitingWriterBurnsNoCpu() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p")); Processes ps = new Processes()) {
            Process w = ps.start(new ProcessBuilder(CliProcess.command("write", "-t", "60s", fifo.path().toString())));
            // JVM start-up burns CPU, for longer on a slow or loaded machine (a fixed 1.5 s sleep
            // once saw 24 ticks in the next 2 s): measure only once the writer waits for a reader,
            // that is once it holds its descriptor on the FIFO
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Processes.descriptorsOn(w.pid(), fifo.path()) == 0) {
                assertThat(w.isAlive()).as("the writer still runs").isTrue();
                assertThat(System.nanoTime() - end).as("writer waiting for a reader within 60 s").isNegative();
                Thread.sleep(20);
            }
            // clock ticks are 10 ms; a busy loop would show ~200 in any 2 s. The last of the
            // start-up work (JIT, the first slices of the wait) may still run just after the open
            // began, so the first quiet 2 s within 10 s count.
            awaitQuietWindow(w, Duration.ofSeconds(2), 10, Duration.ofSeconds(10));
            assertThat(w.isAlive()).isTrue();
        }
    }

    /**
     * Samples {@code p}'s CPU ticks every 50 ms until some window of at least {@code window}
     * shows fewer than {@code maxTicks}; fails when none does within {@code limit}, or when
     * {@code p} exits.
     */
    private static void awaitQuietWindow(Process p, Duration window, long maxTicks, Duration limit) throws Exception {
        record Sample(long nanos, long ticks) {}
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        long fewest = Long.MAX_VALUE;
        while (true) {
            long ticks = cpuTicks(p.pid());
            assertThat(p.isAlive()).as("the writer still waits").isTrue();
            Sample now = new Sample(System.nanoTime(), ticks);
            samples.add(now);
            for (int i = samples.size() - 1; i >= 0; i--) {
                Sample then = samples.get(i);
                if (now.nanos() - then.nanos() >= window.toNanos()) {
                    long used = now.ticks() - then.ticks();
                    if (used < maxTicks) {
                        return;
                    }
                    fewest = Math.min(fewest, used);
                    break;
                }
            }
            assertThat(now.nanos() - start).as("a window of " + window + " with fewer than " + maxTicks
                    + " CPU ticks within " + limit + " (fewest seen: " + fewest + ")").isLessThan(limit.toNanos());
            Thread.sleep(50);
        }
    }

    private static long cpuTicks(long pid) throws Exception {
        String stat = new String(Files.newInputStream(Path.of("/proc/" + pid + "/stat")).readAllBytes());
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    @Test
    void progressReportsBytesOnStderr() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p")); Processes ps = new Processes()) {
            ps.sh("head -c 1000000 /dev/zero > '" + fifo.path() + "'");
            var r = CliProcess.run(30, "cat", "--progress", fifo.path().toString());
            assertThat(r.exit()).isZero();
            assertThat(r.stdout()).hasSize(1_000_000);
            // stderr is a pipe here, not a terminal: plain lines, no carriage returns
            assertThat(r.stderr()).doesNotContain("\r").endsWith("\n")
                    .containsPattern("(?m)^done: 1000000 bytes \\(976.6 KiB\\) in [0-9.]+s, ");
        }
    }

    @Test
    void processSubstitutionAndDescriptorPathsAreAcceptedWithoutL() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "\"$@\" <(printf 'hi\\n')", "bash"));
        cmd.addAll(CliProcess.command("cat"));
        var r = CliProcess.finish(new ProcessBuilder(cmd).start(), new byte[0], 60);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.out()).isEqualTo("hi\n");
        // /dev/stdin and /proc/self/fd/0 name the descriptor fifokit was given
        for (String name : List.of("/dev/stdin", "/proc/self/fd/0", "/dev/fd/0")) {
            List<String> sh = new ArrayList<>(List.of("bash", "-c", "printf 'via %s\\n' \"$0\" | \"$@\"", name));
            sh.addAll(CliProcess.command("cat", name));
            var s = CliProcess.finish(new ProcessBuilder(sh).start(), new byte[0], 60);
            assertThat(s.exit()).as(name + ": " + s.stderr()).isZero();
            assertThat(s.out()).isEqualTo("via " + name + "\n");
        }
    }

    @Test
    void pathErrorsAreOneLineWithExit1() throws Exception {
        Path missing = dir.resolve("missing");
        var r = CliProcess.run(30, "cat", missing.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("fifokit: " + missing + ": no such file or directory\n");
        Path file = Files.writeString(dir.resolve("file"), "x");
        r = CliProcess.run(30, "write", file.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("fifokit: " + file + ": exists and is not a FIFO (it is a regular file)\n");
        r = CliProcess.run(30, "--debug", "cat", missing.toString());
        assertThat(r.stderr()).contains("\tat dev.fifokit");
    }

    @Test
    void symlinksAreRefusedUnlessDereferenced() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("real")); Processes ps = new Processes()) {
            Path link = Files.createSymbolicLink(dir.resolve("link"), fifo.path());
            var r = CliProcess.run(30, "cat", link.toString());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.stderr()).startsWith("fifokit: " + link + ": is a symbolic link").endsWith("(pass -L to follow it)\n");
            ps.sh("echo via-link > '" + fifo.path() + "'");
            r = CliProcess.run(30, "cat", "-L", "-t", "10s", link.toString());
            assertThat(r.exit()).isZero();
            assertThat(r.out()).isEqualTo("via-link\n");
        }
    }
}
