package dev.fifokit.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Entry point of the {@code fifokit} command: runs the picocli command tree, maps every
 * failure to the one-line {@code fifokit: <path>: <reason>} message and its exit code
 * ({@link ExitCodes}), and turns an EPIPE on our own standard output into a quiet 141.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code (used by the tests in-process too). */
    public static int run(String... args) {
        int answered = Prerendered.answer(args); // help, version, completion: no command tree needed
        return answered >= 0 ? flushed(answered) : runTree(args);
    }

    /** Runs one command line through the picocli command tree. */
    static int runTree(String... args) {
        CommandLine cl = commandLine(invokedSubcommand(args));
        if (args.length == 0) {
            cl.usage(System.err);
            return ExitCodes.USAGE;
        }
        int code;
        try {
            code = cl.execute(args);
        } catch (LinkageError e) {
            // the JVM refused native access (picocli lets errors through): say what to add
            IllegalCallerException denied = nativeAccessDenied(e);
            if (denied == null) {
                throw e;
            }
            return Failures.report(denied, System.err, FifokitCommand.isDebug());
        }
        return flushed(code);
    }

    /** {@code code}, or 141 when our standard output went away before all of it was written. */
    private static int flushed(int code) {
        System.out.flush();
        if (System.out.checkError() && code == ExitCodes.OK) {
            return ExitCodes.BROKEN_PIPE;
        }
        return code;
    }

    /**
     * The library's explanation of a refused native access in {@code e}'s causes (it says
     * which flag or manifest entry to add), or one of our own; null for any other error.
     */
    static IllegalCallerException nativeAccessDenied(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (c instanceof IllegalCallerException ice && m != null && m.startsWith("native access is not enabled")) {
                return ice;
            }
            if (c instanceof IllegalCallerException
                    || (c instanceof LinkageError && m != null && m.contains("IllegalCallerException"))) {
                return new IllegalCallerException("native access is not enabled for fifokit: run java with "
                        + "--enable-native-access=ALL-UNNAMED (class path) or --enable-native-access=dev.fifokit "
                        + "(module path), or add 'Enable-Native-Access: ALL-UNNAMED' to the main jar's manifest", e);
            }
        }
        return null;
    }

    /** The whole command tree, every subcommand registered. */
    static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * The command tree with only {@code subcommand} registered, or every subcommand when it is
     * null. picocli builds a subcommand's model by reflection when it is registered, which is
     * most of a short command's start-up (see BENCHMARKS.md), so a command line that names its
     * subcommand gets only that one: its parsing, help and errors are the same either way.
     */
    static CommandLine commandLine(String subcommand) {
        FifokitCommand top = new FifokitCommand();
        CommandLine cl = new CommandLine(Models.top(top));
        top.commandLine = cl;
        for (String name : FifokitCommand.SUBCOMMANDS.keySet()) {
            if (subcommand == null || subcommand.equals(name)) {
                cl.addSubcommand(name, FifokitCommand.subcommand(name));
            }
        }
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
                Failures.report(ex, System.err, top.debug(), commandLine.getCommandSpec()));
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            PrintWriter err = c.getErr();
            err.println("fifokit: " + ex.getMessage());
            Suggestions.print(ex, err);
            if (c.getParent() == null && !(ex instanceof CommandLine.UnmatchedArgumentException)) {
                c.usage(err); // `fifokit --debug` alone: as bare `fifokit`, the list of commands
            } else {
                // one line of what went wrong and where to look, not the whole help
                err.println("see '" + c.getCommandSpec().qualifiedName() + " --help'");
            }
            err.flush();
            return ExitCodes.USAGE;
        });
        cl.setExitCodeExceptionMapper(Failures::exitCode);
        // `launch sh -c 'cmd'` works without `--`: after the command's name, nothing is ours
        CommandLine launch = cl.getSubcommands().get("launch");
        if (launch != null) {
            launch.setStopAtPositional(true);
        }
        // `serve DIR sh -c 'cmd'` works too: after DIR, nothing is ours (a `--` there is skipped)
        CommandLine serve = cl.getSubcommands().get("serve");
        if (serve != null) {
            serve.setStopAtPositional(true);
        }
        return cl;
    }

    /**
     * The subcommand a command line plainly invokes, or null when the whole tree is needed: no
     * subcommand, an unknown one (for suggestions), {@code help} and {@code completion} (they
     * describe the other subcommands), or anything before it other than {@code --debug}
     * (top-level help, version, an {@code @file}).
     */
    static String invokedSubcommand(String... args) {
        for (String arg : args) {
            if (arg.equals("--debug")) {
                continue;
            }
            boolean plain = FifokitCommand.SUBCOMMANDS.containsKey(arg)
                    && !arg.equals("help") && !arg.equals("completion");
            return plain ? arg : null;
        }
        return null;
    }
}
