package dev.fifokit.cli;

import dev.fifokit.files.Fifo;
import dev.fifokit.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProgressTest {

    private static String run(boolean terminal) throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Progress p = new Progress(true, err, terminal, 20)) {
            for (int i = 0; i < 10; i++) {
                p.add(123_456_789);
                Thread.sleep(15);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onATerminalEachRedrawClearsTheRestOfTheLineAndASummaryEnds() throws Exception {
        String out = run(true);
        assertThat(out).startsWith("\r").endsWith("\033[K\n");
        // every redraw clears what a longer earlier line left (no "MiB/s/s")
        for (String draw : out.split("\r")) {
            if (!draw.isEmpty()) {
                assertThat(draw).endsWith(draw.endsWith("\n") ? "\033[K\n" : "\033[K");
            }
        }
        assertThat(out.chars().filter(c -> c == '\n').count()).as("one line, redrawn").isEqualTo(1);
        assertThat(out).contains("done: 1234567890 bytes (1.1 GiB) in ");
    }

    @Test
    void elsewhereItPrintsPlainLinesAndASummary() throws Exception {
        String out = run(false);
        assertThat(out).doesNotContain("\r").doesNotContain("\033");
        assertThat(out.lines().toList()).hasSizeGreaterThanOrEqualTo(2)
                .last().asString().startsWith("done: 1234567890 bytes");
    }

    @Test
    void cutShortItEndsTheLineWithASummaryOnceAndNothingFollows() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress p = new Progress(true, err, true, 20);
        p.add(4096);
        Thread.sleep(50);
        p.interrupted(); // what a signal's shutdown runs
        p.close();       // and then the command's own close, if it gets there
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).endsWith("\033[K\n").contains("\rinterrupted: 4096 bytes (4.0 KiB) in ").doesNotContain("done:");
        assertThat(out.chars().filter(c -> c == '\n').count()).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource({"INT, 130", "TERM, 143"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void ctrlCOrSigtermOnACopyPrintsTheSummaryLineAsDdAndPvDo(String signal, int status, @TempDir Path dir)
            throws Exception {
        Path fifo = dir.resolve("p");
        try (Processes procs = new Processes(); var f = Fifo.create(fifo)) {
            Process cat = procs.start(new ProcessBuilder(CliProcess.command("cat", "--progress", fifo.toString())));
            Process writer = procs.start("sh", "-c", "exec yes > \"$1\"", "sh", fifo.toString());
            // bytes on cat's output: the copy is under way
            var out = cat.getInputStream();
            assertThat(out.readNBytes(4096)).hasSize(4096);
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    out.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (java.io.IOException ignored) {
                    // cat ended
                }
            });
            assertThat(Processes.waitFor(procs.start("kill", "-" + signal, Long.toString(cat.pid())), 10)).isZero();
            assertThat(Processes.waitFor(cat, 30)).as("as a shell reports SIG" + signal).isEqualTo(status);
            String said = new String(cat.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(said).matches("interrupted: [1-9][0-9]* bytes \\(.*\\) in [0-9.]+s, .*/s\n");
            writer.destroy();
        }
    }
}
