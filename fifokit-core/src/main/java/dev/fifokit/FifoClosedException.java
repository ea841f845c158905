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

    private final transient Path path;
    private final String reason;

    public FifoClosedException(Path path, String reason) {
        this(path, reason, null);
    }

    public FifoClosedException(Path path, String reason, Throwable cause) {
        this.path = path;
        this.reason = reason;
        if (cause != null) {
            initCause(cause);
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String reason() {
        return reason;
    }

    @Override
    public String getMessage() {
        return FifoProblem.message(path, reason);
    }
}
