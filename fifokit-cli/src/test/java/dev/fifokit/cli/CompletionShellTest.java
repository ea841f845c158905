package dev.fifokit.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code fifokit completion install} as a user runs it once, then new shells as a user starts
 * them: an interactive bash on a terminal (through script(1)), with and without bash-completion,
 * with and without fifokit on PATH; zsh; fish. The completion works, and the shell's start-up
 * prints nothing and never runs fifokit or java (both are stand-ins here that log each start).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CompletionShellTest {
    private static final String BASH_COMPLETION = "/usr/share/bash-completion/bash_completion";
    /** Shell code that completes a command line word by word, as bash does on TAB. */
    private static final String COMPLETE = """
            comp() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
              COMPREPLY=(); _complete_fifokit 2>/dev/null; printf '%s ' "${COMPREPLY[@]}"; echo; }
            """;

    @TempDir
    Path dir;
    Path home;
    Path bin;
    Path started;
    /** What {@code completion install} printed. */
    String installed;

    @BeforeEach
    void installTheScripts() throws Exception {
        home = Files.createDirectories(dir.resolve("home"));
        bin = Files.createDirectories(dir.resolve("bin"));
        started = dir.resolve("started.log");
        for (String name : List.of("fifokit", "fk", "java")) {
            Path stand = bin.resolve(name);
            Files.writeString(stand, "#!/bin/sh\necho \"$0 $*\" >> '" + started + "'\n");
            Files.setPosixFilePermissions(stand, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        ProcessBuilder pb = new ProcessBuilder(CliProcess.command("completion", "install", "--name", "fk"));
        clean(pb.environment());
        Process p = pb.start();
        var r = CliProcess.finish(p, new byte[0], 60);
        assertThat(r.exit()).as(r.stderr()).isZero();
        installed = r.out();
        assertThat(installed).contains("~/.local/share/bash-completion/completions/fifokit",
                "~/.local/share/fifokit/completion.zsh", "~/.config/fish/completions/fifokit.fish");
        assertThat(home.resolve(".local/share/bash-completion/completions/fk")).isSymbolicLink();
        assertThat(home.resolve(".config/fish/completions/fk.fish")).isRegularFile();
    }

    private void clean(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("XDG_") || k.startsWith("BASH") || k.startsWith("FIFOKIT")
                || k.equals("ENV") || k.equals("ZDOTDIR"));
        env.put("HOME", home.toString());
        env.put("PATH", bin + File.pathSeparator + "/usr/bin:/bin");
        env.put("TERM", "dumb");
    }

    /** The line {@code completion install} said to add to a start-up file. */
    private String lineToAdd(String file) {
        return installed.lines().filter(l -> l.contains("add to " + file + ":")).findFirst().orElseThrow()
                .replaceFirst(".*add to " + file + ": *", "");
    }

    /** Runs {@code shell args} on a terminal of its own, with the test's environment; its output without CRs. */
    private String onTerminal(boolean fifokitOnPath, String... shellAndArgs) throws Exception {
        assumeTrue(new File("/usr/bin/script").canExecute(), "script(1) is not installed");
        StringBuilder command = new StringBuilder();
        for (String a : shellAndArgs) {
            command.append('\'').append(a.replace("'", "'\\''")).append("' ");
        }
        ProcessBuilder pb = new ProcessBuilder("script", "-q", "-e", "-c", command.toString(), "/dev/null")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        clean(pb.environment());
        if (!fifokitOnPath) {
            pb.environment().put("PATH", "/usr/bin:/bin");
        }
        Process p = pb.start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return out.replace("\r", "");
        } finally {
            p.destroyForcibly();
        }
    }

    private void assertNothingStarted() throws IOException {
        assertThat(Files.exists(started) ? Files.readString(started) : "").as("programs a shell started").isEmpty();
    }

    @Test
    void bashCompletionLoadsTheScriptWhenFifokitIsFirstCompleted() throws Exception {
        assumeTrue(new File(BASH_COMPLETION).isFile(), "bash-completion is not installed");
        // as Debian's and Ubuntu's ~/.bashrc do
        Files.writeString(home.resolve(".bashrc"), ". " + BASH_COMPLETION + "\n");
        String out = onTerminal(true, "bash", "-i", "-c", COMPLETE + """
                echo '<<started>>'
                complete -p fk >/dev/null 2>&1 && echo 'loaded before use'
                loader=$(complete -p -D | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p')
                "$loader" fk >/dev/null 2>&1
                comp fk mk
                comp fifokit cat --format ''
                comp fk completion ''
                """);
        assertThat(out).isEqualTo("<<started>>\nmkfifo \nraw line mesg \nbash zsh fish install \n");
        assertNothingStarted();
    }

    @Test
    void withoutBashCompletionTheLineInstallPrintsLoadsIt() throws Exception {
        Files.writeString(home.resolve(".bashrc"), lineToAdd("~/.bashrc") + "\n");
        String out = onTerminal(true, "bash", "-i", "-c", COMPLETE + """
                echo '<<started>>'
                comp fifokit mk
                comp fk write --f
                """);
        assertThat(out).isEqualTo("<<started>>\nmkfifo \n--format \n");
        assertNothingStarted();
    }

    @Test
    void withFifokitNotOnPathANewShellStillPrintsNothing() throws Exception {
        Files.writeString(home.resolve(".bashrc"), lineToAdd("~/.bashrc") + "\n");
        String out = onTerminal(false, "bash", "-i", "-c", "echo '<<started>>'; command -v fifokit || echo 'not on PATH'");
        assertThat(out).isEqualTo("<<started>>\nnot on PATH\n");
        assertNothingStarted();
    }

    @Test
    void zshLoadsTheScriptFromTheLineInstallPrints() throws Exception {
        assumeTrue(new File("/usr/bin/zsh").canExecute() || new File("/bin/zsh").canExecute(), "zsh is not installed");
        Files.writeString(home.resolve(".zshrc"), lineToAdd("~/.zshrc") + "\n");
        String out = onTerminal(true, "zsh", "-i", "-c", "echo '<<started>>'; print -r -- ${_comps[fifokit]}; "
                + "print -r -- ${_comps[fk]}");
        assertThat(out).isEqualTo("<<started>>\n_bash_complete -F _complete_fifokit -o default\n"
                + "_bash_complete -F _complete_fifokit -o default\n");
        assertNothingStarted();
    }

    @Test
    void fishLoadsItsScriptByItself() throws Exception {
        assumeTrue(new File("/usr/bin/fish").canExecute(), "fish is not installed");
        ProcessBuilder pb = new ProcessBuilder("fish", "-c",
                "echo '<<started>>'; complete -C 'fifokit mk'; complete -C 'fk cat --format '; complete -C 'fk completion '")
                .redirectErrorStream(true);
        clean(pb.environment());
        Process p = pb.start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out.lines().map(l -> l.replaceFirst("\t.*", "")).toList())
                    .containsExactly("<<started>>", "mkfifo", "line", "mesg", "raw", "bash", "fish", "install", "zsh");
        } finally {
            p.destroyForcibly();
        }
        assertNothingStarted();
    }
}
