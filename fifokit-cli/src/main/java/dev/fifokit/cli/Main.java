package dev.fifokit.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Entry point of the {@code fifokit} command: runs the picocli command tree, maps every
 * failure to SPEC §9's message form and exit code, and turns an EPIPE on our own standard
 * output into a quiet 141.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code (used by the tests in-process too). */
    public static int run(String... args) {
        CommandLine cl = commandLine();
        if (args.length == 0) {
            cl.usage(System.err);
            return ExitCodes.USAGE;
        }
        int code = cl.execute(args);
        System.out.flush();
        if (System.out.checkError() && code == ExitCodes.OK) {
            return ExitCodes.BROKEN_PIPE;
        }
        return code;
    }

    static CommandLine commandLine() {
        FifokitCommand top = new FifokitCommand();
        CommandLine cl = new CommandLine(top);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
                Failures.report(ex, System.err, top.debug()));
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            PrintWriter err = c.getErr();
            err.println("fifokit: " + ex.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
                c.usage(err);
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
}
