package dev.fifokit.cli;

import dev.fifokit.BrokenPipeException;
import dev.fifokit.NoReaderException;
import dev.fifokit.PeerTimeoutException;
import dev.fifokit.FifoExistsException;
import dev.fifokit.NoSuchFifoException;
import dev.fifokit.SymlinkException;
import picocli.CommandLine;

import java.io.PrintStream;
import java.nio.file.NoSuchFileException;

/**
 * Turns any failure into the one-line {@code fifokit: <path>: <reason>} message and its exit
 * code. A stack trace is printed only with {@code --debug}.
 */
public final class Failures {
    private Failures() {}

    /** Exit code for a failure, one of {@link ExitCodes}. */
    public static int exitCode(Throwable t) {
        if (t instanceof PeerTimeoutException) {
            return ExitCodes.TIMEOUT;
        }
        if (t instanceof NoReaderException) {
            return ExitCodes.PEER_ABSENT;
        }
        if (t instanceof BrokenPipeException) {
            return ExitCodes.BROKEN_PIPE;
        }
        if (t instanceof CliException c) {
            return c.exitCode();
        }
        return ExitCodes.FAILURE;
    }

    /** Prints the failure and returns its exit code. */
    public static int report(Throwable t, PrintStream err, boolean debug) {
        return report(t, err, debug, false);
    }

    /**
     * Prints the failure, with the flag of {@code command} that would have avoided it, and
     * returns its exit code.
     */
    static int report(Throwable t, PrintStream err, boolean debug, CommandLine.Model.CommandSpec command) {
        boolean follow = notGiven(command, "-L");
        boolean parents = command.name().equals("mkfifo") && notGiven(command, "-p");
        return report(t, err, debug, follow, parents);
    }

    /** True when {@code command} has the flag {@code name} and it was not given. */
    private static boolean notGiven(CommandLine.Model.CommandSpec command, String name) {
        CommandLine.Model.OptionSpec option = command.findOption(name);
        return option != null && !Boolean.TRUE.equals(option.getValue());
    }

    /**
     * Prints the failure and returns its exit code; {@code followFlag} says the command has
     * {@code -L}, so a refused symlink names it.
     */
    static int report(Throwable t, PrintStream err, boolean debug, boolean followFlag) {
        return report(t, err, debug, followFlag, false);
    }

    private static int report(Throwable t, PrintStream err, boolean debug, boolean followFlag, boolean mkfifoP) {
        int code = exitCode(t);
        if (t instanceof BrokenPipeException b && b.path() == null) {
            // our own standard output went away (e.g. `| head`): end quietly, like a shell tool
            return code;
        }
        String message = message(t);
        if (followFlag && t instanceof SymlinkException) {
            message = message.replace(" (ask to follow symlinks)", "").replace(" (not followed)", "")
                    + " (pass -L to follow it)";
        } else if (mkfifoP && t instanceof FifoExistsException && message.contains("a FIFO is already there")) {
            message += " (pass -p to accept an existing FIFO)";
        } else if (mkfifoP && t instanceof NoSuchFifoException) {
            message += " (pass -p to create missing parent directories)";
        }
        err.println("fifokit: " + message);
        if (debug) {
            t.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    static String message(Throwable t) {
        if (t instanceof dev.fifokit.FifoProblem || t instanceof CliException) {
            return t.getMessage();
        }
        if (t instanceof NoSuchFileException e) {
            return e.getFile() + ": no such file or directory";
        }
        if (t instanceof java.nio.file.AccessDeniedException e) {
            return e.getFile() + ": permission denied";
        }
        if (t instanceof java.nio.file.FileSystemException e && e.getFile() != null) {
            return e.getFile() + ": " + (e.getReason() != null ? e.getReason() : t.getClass().getSimpleName());
        }
        String m = t.getMessage();
        return m != null ? m : t.getClass().getSimpleName();
    }
}
