package dev.fifokit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code fifokit} command: FIFOs and pipes from the shell. */
@Command(name = "fifokit",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Named pipes (FIFOs) and pipes, with diagnostics.",
        subcommands = {
                MkfifoCommand.class,
                CatCommand.class,
                WriteCommand.class,
                EchoServerCommand.class,
                EchoClientCommand.class,
                LimitsCommand.class,
                WhoCommand.class,
                StatusCommand.class,
                LaunchCommand.class,
                ServeCommand.class,
                RequestCommand.class,
                DemoCommand.class,
                CompletionCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class,
        },
        footer = {"", "Exit codes: 0 ok, 1 failure, 2 usage, 3 peer absent (--no-wait), 124 timeout, 141 broken pipe."})
public final class FifokitCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static boolean debug;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces with errors.")
    void setDebug(boolean value) {
        debug = value;
    }

    boolean debug() {
        return debug;
    }

    static boolean isDebug() {
        return debug;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
