package dev.fifokit;

/**
 * A descriptor given to fifokit by number (inherited from the parent process, or passed by a
 * service manager through {@code LISTEN_FDS}) cannot become the end asked for. The message
 * names it, {@code "fd 3: is a regular file, not a FIFO or pipe"}, and {@link #problem()} says
 * which check failed. {@link #path()} is {@code null}.
 */
public final class DescriptorException extends FifoException {
    private static final long serialVersionUID = 1L;

    /** Which check failed. */
    public enum Problem {
        /** The number is not an open descriptor of this process. */
        NOT_OPEN,
        /** It is open but is not a FIFO or pipe (a file, socket, terminal...). */
        NOT_A_PIPE,
        /** It is a FIFO or pipe open in the other direction (e.g. write-only for a reader). */
        WRONG_DIRECTION,
        /** Another fifokit end already owns it. */
        ALREADY_ADOPTED,
        /** No descriptor of that name or number was passed to this process. */
        NOT_PASSED,
        /** The variables that pass descriptors ({@code LISTEN_FDS} and others) are malformed. */
        BAD_ENVIRONMENT,
        /** The operation needs {@code /proc} mounted and it is not. */
        NEEDS_PROC
    }

    /** The descriptor number, or -1 when the error is not about one number. */
    private final int descriptor;
    /** Which check the descriptor failed. */
    private final Problem problem;

    /**
     * A descriptor failed a check; the message is {@code "<subject>: <reason>"}.
     *
     * @param subject    what the message names first, e.g. {@code "fd 3"} or {@code "listen:in"}
     * @param descriptor the descriptor number, or -1 when there is none
     * @param problem    which check failed
     * @param reason     the cause, in words
     */
    public DescriptorException(String subject, int descriptor, Problem problem, String reason) {
        super(subject, reason, null);
        this.descriptor = descriptor;
        this.problem = problem;
    }

    /** {@return the descriptor number, or -1 when the error is not about one number} */
    public int descriptor() {
        return descriptor;
    }

    /** {@return which check failed} */
    public Problem problem() {
        return problem;
    }
}
