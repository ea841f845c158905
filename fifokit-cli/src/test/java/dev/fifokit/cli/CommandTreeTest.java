package dev.fifokit.cli;

import dev.fifokit.files.Fifo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Main registers only the subcommand a command line names (start-up): the tree it builds must
 * parse, describe and refuse exactly as the whole tree does.
 */
class CommandTreeTest {
    @Test
    void everySubcommandIsRegisteredUnderItsOwnName() {
        CommandLine full = Main.commandLine();
        assertThat(full.getSubcommands().keySet()).containsExactlyElementsOf(FifokitCommand.SUBCOMMANDS.keySet());
        full.getSubcommands().forEach((name, sub) -> {
            assertThat(sub.getCommandSpec().name()).as("the @Command name of " + name).isEqualTo(name);
            if (!name.equals("help")) { // picocli's own
                assertThat(sub.getCommandSpec().isAddMethodSubcommands()).as(name + " scans its methods").isFalse();
            }
        });
    }

    @Test
    void aSubcommandAloneHasTheSameUsageOptionsAndHandlersAsInTheWholeTree() {
        CommandLine full = Main.commandLine();
        for (String name : FifokitCommand.SUBCOMMANDS.keySet()) {
            CommandLine alone = Main.commandLine(name);
            assertThat(alone.getSubcommands().keySet()).containsExactly(name);
            CommandLine a = alone.getSubcommands().get(name);
            CommandLine f = full.getSubcommands().get(name);
            assertThat(usage(a)).as(name).isEqualTo(usage(f));
            assertThat(a.getCommandSpec().optionsMap().keySet()).as(name)
                    .containsExactlyInAnyOrderElementsOf(f.getCommandSpec().optionsMap().keySet())
                    .contains("--debug");
            assertThat(a.isStopAtPositional()).as(name).isEqualTo(f.isStopAtPositional());
            assertThat(a.getExecutionExceptionHandler()).as(name).isNotNull();
            assertThat(a.getParameterExceptionHandler()).as(name).isSameAs(alone.getParameterExceptionHandler());
        }
    }

    @Test
    @Timeout(120)
    void theShortCommandsReadNoAnnotationsSoTheJvmDefinesNoProxyClass(@TempDir Path dir) throws Exception {
        // reading an annotation makes the JVM define a proxy class for its type at run time,
        // which the launcher's start-up cache cannot hold: these commands' models are built in code
        try (Fifo fifo = Fifo.create(dir.resolve("p"))) {
            List<List<String>> commands = List.of(List.of("limits"), List.of("limits", "--help"),
                    List.of("cat", "-t", "1ms", fifo.path().toString()));
            for (List<String> args : commands) {
                Path log = dir.resolve("classes.log");
                List<String> cmd = new ArrayList<>(CliProcess.command(args.toArray(String[]::new)));
                cmd.add(cmd.indexOf("-cp"), "-Xlog:class+load:file=" + log); // after the launcher's -Xlog:disable
                Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                try {
                    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(args + " finished").isTrue();
                } finally {
                    p.destroyForcibly();
                }
                String loaded = Files.readString(log);
                assertThat(loaded).as(args.toString()).contains("dev.fifokit.cli.Main ")
                        .doesNotContain("$Proxy");
                Files.delete(log);
            }
        }
    }

    @Test
    void onlyAPlainlyNamedSubcommandIsBuiltAlone() {
        assertThat(Main.invokedSubcommand("limits", "--json")).isEqualTo("limits");
        assertThat(Main.invokedSubcommand("--debug", "cat", "p")).isEqualTo("cat");
        assertThat(Main.invokedSubcommand("launch", "--", "help")).isEqualTo("launch");
        // the whole tree: nothing named, unknown names (suggestions), help and completion
        // (they describe the others), top-level options, argument files
        assertThat(Main.invokedSubcommand()).isNull();
        assertThat(Main.invokedSubcommand("--debug")).isNull();
        assertThat(Main.invokedSubcommand("limi")).isNull();
        assertThat(Main.invokedSubcommand("help", "limits")).isNull();
        assertThat(Main.invokedSubcommand("completion", "bash")).isNull();
        assertThat(Main.invokedSubcommand("--help", "limits")).isNull();
        assertThat(Main.invokedSubcommand("-V")).isNull();
        assertThat(Main.invokedSubcommand("@args")).isNull();
        assertThat(Main.invokedSubcommand("--debug=true", "limits")).isNull();
    }

    @Test
    void humanSizesRoundToOneDecimalAsPercentPointOneFDoes() {
        for (long n : new long[] {1024, 1280, 1331, 1332, 65536, 1048575, 1048576, 1_500_000, 4096L << 30, 1L << 50}) {
            double v = n;
            String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
            int u = 0;
            while (v >= 1024 && u < units.length - 1) {
                v /= 1024;
                u++;
            }
            assertThat(Progress.human(n)).as("%d", n).isEqualTo(String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]));
        }
        assertThat(Progress.human(1000)).isEqualTo("1000 B");
    }

    private static String usage(CommandLine c) {
        StringWriter w = new StringWriter();
        c.usage(new PrintWriter(w));
        return w.toString();
    }
}
