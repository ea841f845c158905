package dev.fifokit;

import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;

/**
 * The thread was interrupted while it waited; the end is closed (as for any interruptible NIO
 * channel) and the thread's interrupt status is set.
 *
 * <p>It is a {@link ClosedByInterruptException}, so generic NIO code recognises it; unlike the
 * JDK's, its message names the path: {@code "<path>: <reason>"}.
 */
public final class FifoInterruptedException extends ClosedByInterruptException implements FifoProblem {
    private static final long serialVersionUID = 1L;

    /** The path and reason of this error; the message is made from them. */
    private final ChannelProblem problem;

    /**
     * The thread waiting on the end on {@code path} was interrupted.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the reason, in words
     */
    public FifoInterruptedException(Path path, String reason) {
        this(path, reason, null);
    }

    /**
     * The thread waiting on the end on {@code path} was interrupted.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the reason, in words
     * @param cause  the underlying failure, or {@code null}
     */
    public FifoInterruptedException(Path path, String reason, Throwable cause) {
        this.problem = ChannelProblem.of(this, path, reason, cause);
    }

    @Override
    public Path path() {
        return problem.path();
    }

    @Override
    public String reason() {
        return problem.reason();
    }

    @Override
    public String getMessage() {
        return problem.message();
    }
}
