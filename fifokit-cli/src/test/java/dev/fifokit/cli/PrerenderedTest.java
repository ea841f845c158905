package dev.fifokit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --help}, {@code --version} and {@code completion} are answered without the command tree
 * (start-up), from texts rendered when the jar is built: every answer must be, byte for byte,
 * what the tree prints, plain and with ANSI styles.
 */
class PrerenderedTest {
    /** What one run printed and returned. */
    record Printed(int exit, String out, String err) {}

    private static Printed capture(ToIntFunction<String[]> run, String[] args, boolean ansi) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setProperty("picocli.ansi", Boolean.toString(ansi));
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = run.applyAsInt(args);
            System.out.flush();
            return new Printed(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.clearProperty("picocli.ansi");
        }
    }

    @Test
    void theBuildRenderedTheTextsIntoTheJarsResources() {
        assertThat(Prerendered.resource("index.txt")).as("run the build (process-classes) first").isNotNull()
                .contains("--help\t", "help cat\t", "mkfifo -h\t");
        assertThat(Prerendered.resource("completion.bash")).contains("complete -F _complete_fifokit");
        assertThat(Prerendered.resource("completion.fish")).contains("complete -c $__fifokit_cmd");
    }

    @Test
    void everyAnswerIsWhatTheCommandTreePrints() {
        List<String[]> lines = new ArrayList<>();
        Prerendered.helpCommandLines().forEach(l -> lines.add(l.toArray(String[]::new)));
        lines.add(new String[] {"--version"});
        lines.add(new String[] {"-V"});
        for (String shell : Completions.SHELLS) {
            lines.add(new String[] {"completion", shell});
            lines.add(new String[] {"completion", shell, "--name", "fk", "--name=fifo2"});
            lines.add(new String[] {"completion", "--name", "fk", shell});
        }
        for (String[] args : lines) {
            for (boolean ansi : new boolean[] {false, true}) {
                String what = String.join(" ", args) + (ansi ? " (ANSI)" : "");
                Printed fast = capture(Prerendered::answer, args, ansi);
                Printed tree = capture(Main::runTree, args, ansi);
                assertThat(fast.exit()).as(what + " answered without the tree").isZero();
                assertThat(fast).as(what).isEqualTo(tree);
                assertThat(tree.err()).as(what).isEmpty();
            }
        }
    }

    @Test
    void anyOtherCommandLineIsLeftToTheTree() {
        for (String[] args : new String[][] {{}, {"--debug", "--help"}, {"cat"}, {"--help", "cat"}, {"cat", "--help", "x"},
                {"completion"}, {"completion", "tcsh"}, {"completion", "bash", "--name", "rm -rf"},
                {"completion", "install"}, {"completion", "bash", "zsh"}, {"-hV"}, {"help", "nosuch"}}) {
            assertThat(capture(Prerendered::answer, args, false).exit()).as(Arrays.toString(args)).isEqualTo(-1);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void helpVersionAndCompletionReadNoAnnotationsSoTheJvmDefinesNoProxyClass(@TempDir Path dir) throws Exception {
        // as limits: reading an annotation makes the JVM define a proxy class at run time, the
        // sign that the command tree was built (its models are read from annotations)
        for (List<String> args : List.of(List.of("--help"), List.of("--version"), List.of("mkfifo", "--help"),
                List.of("help", "serve"), List.of("completion", "bash"), List.of("completion", "fish"))) {
            Path log = dir.resolve("classes.log");
            List<String> cmd = new ArrayList<>(CliProcess.command(args.toArray(String[]::new)));
            cmd.add(cmd.indexOf("-cp"), "-Xlog:class+load:file=" + log); // after the launcher's -Xlog:disable
            Process p = new ProcessBuilder(cmd).start();
            try {
                var r = CliProcess.finish(p, new byte[0], 60);
                assertThat(r.exit()).as(args + ": " + r.stderr()).isZero();
                assertThat(r.out()).as(args.toString()).isEqualTo(capture(Main::runTree, args.toArray(String[]::new), false).out());
            } finally {
                p.destroyForcibly();
            }
            String loaded = Files.readString(log);
            assertThat(loaded).as(args.toString()).contains("dev.fifokit.cli.Prerendered ").doesNotContain("$Proxy");
            Files.delete(log);
        }
    }
}
