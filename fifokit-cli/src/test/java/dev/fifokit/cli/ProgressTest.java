package dev.fifokit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
}
