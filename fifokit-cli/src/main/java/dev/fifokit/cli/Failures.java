package dev.fifokit.cli;

import dev.fifokit.BrokenPipeException;
import dev.fifokit.NoReaderException;
import dev.fifokit.PeerTimeoutException;

import java.io.PrintStream;
import java.nio.file.NoSuchFileException;

/**
 * Turns any failure into the one-line {@code fifokit: <path>: <reason>} message and its exit
 * code. A stack trace is printed only with {@code --debug}.
 */
public final class Failures {
    private Failures() {}

    /** Exit code for a failure, per SPEC §9. */
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
        int code = exitCode(t);
        if (t instanceof BrokenPipeException b && b.path() == null) {
            // our own standard output went away (e.g. `| head`): end quietly, like a shell tool
            return code;
        }
        err.println("fifokit: " + message(t));
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
