package dev.fifokit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * The {@code fifokit} command: FIFOs and pipes from the shell. Its subcommands are listed in
 * {@link #SUBCOMMANDS}, not in the annotation, so that {@link Main} can register only the one a
 * command line invokes (start-up time, see BENCHMARKS.md). For the same reason every command says
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
    static final SequencedMap<String, Class<?>> SUBCOMMANDS = subcommands();

    private static SequencedMap<String, Class<?>> subcommands() {
        SequencedMap<String, Class<?>> m = new LinkedHashMap<>();
        m.put("mkfifo", MkfifoCommand.class);
        m.put("cat", CatCommand.class);
        m.put("write", WriteCommand.class);
        m.put("echo-server", EchoServerCommand.class);
        m.put("echo-client", EchoClientCommand.class);
        m.put("limits", LimitsCommand.class);
        m.put("who", WhoCommand.class);
        m.put("status", StatusCommand.class);
        m.put("launch", LaunchCommand.class);
        m.put("serve", ServeCommand.class);
        m.put("request", RequestCommand.class);
        m.put("bridge", BridgeCommand.class);
        m.put("demo", DemoCommand.class);
        m.put("completion", CompletionCommand.class);
        m.put("bench", BenchCommand.class);
        m.put("help", CommandLine.HelpCommand.class);
        return Collections.unmodifiableSequencedMap(m);
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
