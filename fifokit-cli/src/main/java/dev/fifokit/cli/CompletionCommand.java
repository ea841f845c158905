package dev.fifokit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code fifokit completion bash|zsh|fish}: a shell completion script on standard output;
 * {@code fifokit completion install}: all three written as files where the shells look for them.
 */
@Command(name = "completion", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        description = {"Print a shell's completion script, or install them all as files.",
                "'fifokit completion install' writes the bash, zsh and fish scripts once, as files: bash's where "
                        + "bash-completion loads it from and fish's where fish does, each loaded the first time "
                        + "fifokit is completed, and zsh's as a file for a line in ~/.zshrc. It prints where, and "
                        + "the line a start-up file needs (zsh's, and bash's without bash-completion). A new shell "
                        + "then reads a file and never runs fifokit. Install again after updating fifokit.",
                "'fifokit completion bash' (or zsh, fish) prints the script, to put where you like.",
                "The scripts complete the name fifokit was started as (a symlink on PATH such as 'fk') as well as "
                        + "'fifokit'; --name adds more."})
final class CompletionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", completionCandidates = Completions.Shells.class,
            description = "bash, zsh or fish; or install")
    String shell;

    @Option(names = "--name", paramLabel = "NAME", description = "Also complete this command name (repeatable).")
    List<String> names = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        if (!shell.equals("install") && !Completions.SHELLS.contains(shell)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "unknown shell '" + shell + "': use bash, zsh or fish (or install)");
        }
        for (String n : names) {
            if (!Completions.isCommandName(n)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--name '" + n
                        + "': a command name is letters, digits and . _ + / -");
            }
        }
        return run(shell, names, () -> spec.root().commandLine());
    }

    private static int run(String shell, List<String> names, Supplier<CommandLine> tree) throws IOException {
        Set<String> extra = Completions.extraNames(names);
        if (shell.equals("install")) {
            CompletionInstaller.install(extra, tree, System.out);
        } else {
            System.out.print(Completions.script(shell, extra, tree));
        }
        return ExitCodes.OK;
    }

    /**
     * Prints the script of {@code completion SHELL [--name NAME]...} without the command tree
     * when the line is that plain and valid ({@link Prerendered}); {@code install} takes the tree.
     *
     * @return the exit code, or -1 for anything else (the tree then parses it and says what is wrong)
     */
    static int answer(String... args) {
        String shell = null;
        List<String> names = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String name = null;
            if (a.equals("--name") && i + 1 < args.length) {
                name = args[++i];
            } else if (a.startsWith("--name=")) {
                name = a.substring("--name=".length());
            } else if (shell == null && Completions.SHELLS.contains(a)) {
                shell = a;
                continue;
            } else {
                return -1;
            }
            if (!Completions.isCommandName(name)) {
                return -1;
            }
            names.add(name);
        }
        if (shell == null) {
            return -1;
        }
        System.out.print(Completions.script(shell, Completions.extraNames(names), Main::commandLine));
        return ExitCodes.OK;
    }
}
