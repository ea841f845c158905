package dev.fifokit.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/** {@code fifokit completion bash|zsh}: a shell completion script on standard output. */
@Command(name = "completion", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        description = {"Print a completion script: source <(fifokit completion bash).",
                "For zsh, the same script works after 'autoload -U bashcompinit && bashcompinit'.",
                "It completes the name fifokit was started as (a symlink on PATH such as 'fk') as well as "
                        + "'fifokit'; --name adds more."})
final class CompletionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
    String shell;

    @Option(names = "--name", paramLabel = "NAME", description = "Also complete this command name (repeatable).")
    List<String> names = new ArrayList<>();

    /** A word bash's complete builtin takes as a command name. */
    private static final Pattern COMMAND_NAME = Pattern.compile("[A-Za-z0-9._+/-]+");

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown shell '" + shell + "': use bash or zsh");
        }
        String script = AutoComplete.bash("fifokit", spec.root().commandLine());
        Set<String> extra = new LinkedHashSet<>();
        String prog = System.getenv("FIFOKIT_PROG"); // set by the launcher: the name it was run as
        if (prog != null && !prog.isEmpty()) {
            extra.add(prog);
        }
        for (String n : names) {
            if (!COMMAND_NAME.matcher(n).matches()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--name '" + n
                        + "': a command name is letters, digits and . _ + / -");
            }
            extra.add(n);
        }
        extra.removeAll(Set.of("fifokit", "fifokit.sh", "fifokit.bash"));
        String registration = "fifokit fifokit.sh fifokit.bash\n";
        if (!extra.isEmpty() && script.contains(registration)) {
            script = script.replace(registration, "fifokit fifokit.sh fifokit.bash " + String.join(" ", extra) + "\n");
        }
        if (shell.equals("zsh")) {
            script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        }
        System.out.print(script);
        return ExitCodes.OK;
    }
}
