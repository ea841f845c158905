package dev.fifokit;

import java.nio.file.Path;

/** The thread was interrupted while it waited; the end is closed (as for any interruptible NIO channel) and the thread's interrupt status is set. */
public final class FifoInterruptedException extends FifoException {
    private static final long serialVersionUID = 1L;

    public FifoInterruptedException(Path path, String reason) {
        super(path, reason);
    }

    public FifoInterruptedException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
