package dev.fifokit.cli;

import dev.fifokit.files.Fifo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GeneralCliTest {
    @TempDir
    Path dir;

    @Test
    void bareCommandPrintsUsageAndExits2() throws Exception {
        var r = CliProcess.run(30);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("Usage: fifokit");
        var d = CliProcess.run(30, "--debug");
        assertThat(d.exit()).isEqualTo(2);
        assertThat(d.stderr()).startsWith("fifokit: a command is required").contains("Usage: fifokit");
    }

    @Test
    void unknownCommandAndBadDurationAreUsageErrors() throws Exception {
        assertThat(CliProcess.run(30, "frobnicate").exit()).isEqualTo(2);
        var r = CliProcess.run(30, "cat", "-t", "soon", dir.resolve("p").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("not a duration: 'soon'");
    }

    @Test
    void aUsageErrorIsOneLineAndAHintNotTheWholeHelp() throws Exception {
        var r = CliProcess.run(30, "cat");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("fifokit: Missing required parameter: 'PATH'\nsee 'fifokit cat --help'\n");
        var o = CliProcess.run(30, "write", "--no-such-option", dir.resolve("p").toString());
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.stderr().lines().toList()).hasSizeLessThanOrEqualTo(3).last().isEqualTo("see 'fifokit write --help'");
    }

    @Test
    void everySummaryAndParagraphIsWholeSoHelpNeverCutsMidPhrase() {
        // `fifokit --help` shows each command's first paragraph; picocli wraps each paragraph to
        // the width itself, so a paragraph must be whole, never a line cut by hand
        for (var e : Main.commandLine().getSubcommands().entrySet()) {
            String[] description = e.getValue().getCommandSpec().usageMessage().description();
            assertThat(description).as(e.getKey()).isNotEmpty();
            assertThat(description[0]).as(e.getKey() + " summary").endsWith(".");
            if (e.getKey().equals("cat") || e.getKey().equals("write") || e.getKey().equals("launch")
                    || e.getKey().equals("serve") || e.getKey().equals("limits")) {
                for (String paragraph : description) {
                    assertThat(paragraph).as(e.getKey()).matches("(?s)(.*[.:)]|)");
                }
            }
        }
    }

    @Test
    void versionAndHelpOnEveryCommand() throws Exception {
        var v = CliProcess.run(30, "--version");
        assertThat(v.exit()).isZero();
        assertThat(v.out()).startsWith("fifokit ");
        for (String cmd : Main.commandLine().getSubcommands().keySet()) {
            var h = cmd.equals("help") ? CliProcess.run(30, "help") : CliProcess.run(30, cmd, "--help");
            assertThat(h.exit()).as(cmd).isZero();
            assertThat(h.out()).as(cmd).contains("Usage: fifokit");
        }
    }

    @Test
    void limitsInTextAndJson() throws Exception {
        var t = CliProcess.run(30, "limits");
        assertThat(t.exit()).isZero();
        assertThat(t.out()).containsPattern("pipe_buf +4096")
                .contains("max_capacity").contains("default_capacity").contains("page_size").contains("open_max");
        var j = CliProcess.run(30, "limits", "--json");
        assertThat(j.out()).matches(
                "\\{\"pipe_buf\":\\d+,\"open_max\":\\d+,\"default_capacity\":\\d+,\"max_capacity\":\\d+,\"page_size\":\\d+}\\n");
        try (Fifo fifo = Fifo.create(dir.resolve("p"))) {
            var p = CliProcess.run(30, "limits", "--json", fifo.path().toString());
            assertThat(p.exit()).as(p.stderr()).isZero();
            // closed: a FIFO has no buffer until it is opened, and limits never opens it
            assertThat(p.out()).contains("\"capacity\":null", "\"capacity_state\":\"not-open\"");
        }
    }

    @Test
    void refusedNativeAccessIsOneSentenceNamingTheFlag() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("na"))) {
            var cmd = new java.util.ArrayList<>(CliProcess.command("who", fifo.path().toString()));
            cmd.set(cmd.indexOf("--enable-native-access=ALL-UNNAMED"), "--illegal-native-access=deny");
            var r = CliProcess.finish(new ProcessBuilder(cmd).start(), new byte[0], 60);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.stderr().lines().toList()).as(r.stderr()).hasSize(1);
            assertThat(r.stderr()).startsWith("fifokit: native access is not enabled")
                    .contains("--enable-native-access=ALL-UNNAMED", "Enable-Native-Access")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void completionScripts() throws Exception {
        var b = CliProcess.run(30, "completion", "bash");
        assertThat(b.exit()).isZero();
        assertThat(b.out()).contains("complete").contains("mkfifo");
        assertThat(CliProcess.run(30, "completion", "zsh").out()).contains("bashcompinit");
        assertThat(CliProcess.run(30, "completion", "fish").out()).contains("complete -c $__fifokit_cmd");
        var tcsh = CliProcess.run(30, "completion", "tcsh");
        assertThat(tcsh.exit()).isEqualTo(2);
        assertThat(tcsh.stderr()).startsWith("fifokit: unknown shell 'tcsh': use bash, zsh or fish (or install)");
    }

    @Test
    void demoRunsAndCleansUp() throws Exception {
        var r = CliProcess.run(120, "demo");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.out()).contains("the writer is still waiting: true").contains("Hello from the writer!");
        String created = r.out().lines().filter(l -> l.contains("created ")).findFirst().orElseThrow();
        Path fifo = Path.of(created.replaceAll(".*created (\\S+) .*", "$1"));
        assertThat(fifo).doesNotExist();
    }

    @Test
    void aMistypedOptionGetsTheCloseOnesProposedAsAnyTypoDoes() throws Exception {
        for (String cmd : new String[] {"cat", "write"}) {
            var r = CliProcess.run(30, cmd, "--frmat", "line", dir.resolve("p").toString());
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.stderr()).as(cmd).contains("Possible solutions: --format\n").endsWith("see 'fifokit " + cmd + " --help'\n");
        }
        var swapped = CliProcess.run(30, "write", "--no-wiat", dir.resolve("p").toString());
        assertThat(swapped.stderr()).contains("Possible solutions: --no-wait\n");
        var far = CliProcess.run(30, "cat", "--zzzzzz", dir.resolve("p").toString());
        assertThat(far.exit()).isEqualTo(2);
        assertThat(far.stderr()).doesNotContain("Possible solutions");
    }

    @Test
    void compoundDurationsAreAcceptedWhereverADurationIs() throws Exception {
        try (Fifo fifo = Fifo.create(dir.resolve("p"))) {
            var r = CliProcess.run(30, "cat", "-t", "0m0s300ms", fifo.path().toString());
            assertThat(r.exit()).as(r.stderr()).isEqualTo(124);
            assertThat(r.stderr()).isEqualTo("fifokit: " + fifo.path() + ": no writer opened it within 300ms\n");
            var w = CliProcess.run(30, "write", "-t", "0s200ms", fifo.path().toString());
            assertThat(w.exit()).as(w.stderr()).isEqualTo(124);
            var bad = CliProcess.run(30, "cat", "-t", "30s2m", fifo.path().toString());
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.stderr()).contains("not a duration: '30s2m' (use e.g. 500ms, 5s, 2m, 2m30s)");
        }
    }
}
