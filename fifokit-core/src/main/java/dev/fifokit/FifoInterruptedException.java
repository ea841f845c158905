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

    private final transient Path path;
    private final String reason;

    public FifoInterruptedException(Path path, String reason) {
        this(path, reason, null);
    }

    public FifoInterruptedException(Path path, String reason, Throwable cause) {
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
