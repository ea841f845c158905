package dev.fifokit.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code fifokit completion bash|zsh}: a shell completion script on standard output. */
@Command(name = "completion", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        description = {"Print a completion script: source <(fifokit completion bash).",
                "For zsh, the same script works after 'autoload -U bashcompinit && bashcompinit'."})
final class CompletionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
    String shell;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown shell '" + shell + "': use bash or zsh");
        }
        String script = AutoComplete.bash("fifokit", spec.root().commandLine());
        if (shell.equals("zsh")) {
            script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        }
        System.out.print(script);
        return ExitCodes.OK;
    }
}
