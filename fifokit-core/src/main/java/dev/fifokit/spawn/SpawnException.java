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

    /** The program as given to the builder. */
    private final String program;
    /** Why the start failed. */
    private final Problem problem;

    /**
     * A start of {@code program} failed; the message is {@code "<program>: <reason>"}.
     *
     * @param program the program as given to the builder (its first word)
     * @param problem which kind of failure it was
     * @param reason  the cause, in words, e.g. {@code "command not found"}
     */
    public SpawnException(String program, Problem problem, String reason) {
        super(program + ": " + reason);
        this.program = program;
        this.problem = problem;
    }

    /** {@return the program as given to the builder, e.g. {@code "nosuch"} or {@code "./run.sh"}} */
    public String program() {
        return program;
    }

    /** {@return which kind of failure it was: not found, not executable, or anything else} */
    public Problem problem() {
        return problem;
    }

    /**
     * {@return the status a shell would report for this failure: 127 when not found, 126 when
     * not executable, 1 otherwise}
     */
    public int shellStatus() {
        return switch (problem) {
            case NOT_FOUND -> 127;
            case NOT_EXECUTABLE -> 126;
            case OTHER -> 1;
        };
    }
}
