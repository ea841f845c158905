package dev.fifokit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.SequencedMap;
import java.util.function.Supplier;

/**
 * The {@code fifokit} command: FIFOs and pipes from the shell. Its subcommands are listed in
 * {@link #SUBCOMMANDS}, not in an annotation, so that {@link Main} can register only the one a
 * command line invokes (start-up time, see BENCHMARKS.md). For the same reason this command's
 * model, and those of {@code limits} and {@code cat}, are built in code ({@link Models}), and every
 * annotated command says {@code addMethodSubcommands = false}: none has method subcommands, and
 * picocli would read the annotations of each of its methods to find them.
 */
public final class FifokitCommand implements Runnable {
    static final String DESCRIPTION = "Named pipes (FIFOs) and pipes, with diagnostics.";
    static final String EXIT_CODES =
            "Exit codes: 0 ok, 1 failure, 2 usage, 3 peer absent (--no-wait), 124 timeout, 141 broken pipe.";

    /**
     * Every subcommand by name, in the order {@code fifokit --help} lists them: an annotated
     * command's class, or a {@link Supplier} of a model built in code.
     */
    static final SequencedMap<String, Object> SUBCOMMANDS = subcommands();

    private static SequencedMap<String, Object> subcommands() {
        SequencedMap<String, Object> m = new LinkedHashMap<>();
        m.put("mkfifo", MkfifoCommand.class);
        m.put("cat", (Supplier<CommandSpec>) CatCommand::spec);
        m.put("write", WriteCommand.class);
        m.put("echo-server", EchoServerCommand.class);
        m.put("echo-client", EchoClientCommand.class);
        m.put("limits", (Supplier<CommandSpec>) LimitsCommand::spec);
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

    /** What {@link Main} registers as the subcommand {@code name}: a class or a model. */
    @SuppressWarnings("unchecked")
    static Object subcommand(String name) {
        Object c = SUBCOMMANDS.get(name);
        return c instanceof Supplier<?> s ? ((Supplier<CommandSpec>) s).get() : c;
    }

    /**
     * This command's CommandLine, set by {@link Main} once the tree is built: a {@code @Spec}
     * field would cost every start-up one more annotation proxy class.
     */
    CommandLine commandLine;

    private static boolean debug;

    /** {@code --debug}, an option of every command. */
    static void setDebug(boolean value) {
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
