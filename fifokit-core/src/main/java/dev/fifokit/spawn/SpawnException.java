package dev.fifokit.spawn;

import java.io.IOException;

/**
 * A child process could not be started: {@code "nosuch: command not found"}. The message starts
 * with the program as given; {@link #problem()} tells the common cases apart, the way a shell's
 * exit status 127 and 126 do.
 */
public final class SpawnException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the start failed. */
    public enum Problem {
        /** No such program (on PATH, or at the path given): a shell's 127. */
        NOT_FOUND,
        /** The program exists but may not be executed: a shell's 126. */
        NOT_EXECUTABLE,
        /** Anything else (too many processes, out of memory, bad working directory...). */
        OTHER
    }

    private final String program;
    private final Problem problem;

    public SpawnException(String program, Problem problem, String reason) {
        super(program + ": " + reason);
        this.program = program;
        this.problem = problem;
    }

    /** The program as given to the builder. */
    public String program() {
        return program;
    }

    public Problem problem() {
        return problem;
    }

    /** The status a shell would report for this failure: 127, 126, or 1. */
    public int shellStatus() {
        return switch (problem) {
            case NOT_FOUND -> 127;
            case NOT_EXECUTABLE -> 126;
            case OTHER -> 1;
        };
    }
}
