package dev.fifokit;

import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Path;

/**
 * The end was closed, by this thread before the call or by another thread while it waited.
 *
 * <p>It is an {@link AsynchronousCloseException} (and so a
 * {@link java.nio.channels.ClosedChannelException}), so generic NIO code that catches those
 * handles a closed fifokit end like any closed channel; unlike the JDK's, its message names the
 * path: {@code "<path>: <reason>"}.
 */
public final class FifoClosedException extends AsynchronousCloseException implements FifoProblem {
    private static final long serialVersionUID = 1L;

    /** The path and reason of this error; the message is made from them. */
    private final ChannelProblem problem;

    /**
     * The end on {@code path} was closed.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the reason, in words
     */
    public FifoClosedException(Path path, String reason) {
        this(path, reason, null);
    }

    /**
     * The end on {@code path} was closed.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the reason, in words
     * @param cause  the underlying failure, or {@code null}
     */
    public FifoClosedException(Path path, String reason, Throwable cause) {
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
