package dev.fifokit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code fifokit} command: FIFOs and pipes from the shell. Its subcommands are listed in
 * {@link #SUBCOMMANDS}, not in the annotation, so that {@link Main} can register only the one a
 * command line invokes (SPEC §11: start-up). For the same reason every command says
 * {@code addMethodSubcommands = false}: none has method subcommands, and picocli would read the
 * annotations of each of its methods to find them.
 */
@Command(name = "fifokit", addMethodSubcommands = false,
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Named pipes (FIFOs) and pipes, with diagnostics.",
        footer = {"", "Exit codes: 0 ok, 1 failure, 2 usage, 3 peer absent (--no-wait), 124 timeout, 141 broken pipe."})
public final class FifokitCommand implements Runnable {
    /** Every subcommand by name, in the order {@code fifokit --help} lists them. */
    static final Map<String, Class<?>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("mkfifo", MkfifoCommand.class);
        SUBCOMMANDS.put("cat", CatCommand.class);
        SUBCOMMANDS.put("write", WriteCommand.class);
        SUBCOMMANDS.put("echo-server", EchoServerCommand.class);
        SUBCOMMANDS.put("echo-client", EchoClientCommand.class);
        SUBCOMMANDS.put("limits", LimitsCommand.class);
        SUBCOMMANDS.put("who", WhoCommand.class);
        SUBCOMMANDS.put("status", StatusCommand.class);
        SUBCOMMANDS.put("launch", LaunchCommand.class);
        SUBCOMMANDS.put("serve", ServeCommand.class);
        SUBCOMMANDS.put("request", RequestCommand.class);
        SUBCOMMANDS.put("demo", DemoCommand.class);
        SUBCOMMANDS.put("completion", CompletionCommand.class);
        SUBCOMMANDS.put("bench", BenchCommand.class);
        SUBCOMMANDS.put("help", CommandLine.HelpCommand.class);
    }

    /**
     * This command's CommandLine, set by {@link Main} once the tree is built: a {@code @Spec}
     * field would cost every start-up one more annotation proxy class.
     */
    CommandLine commandLine;

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
        throw new CommandLine.ParameterException(commandLine, "a command is required");
    }
}
