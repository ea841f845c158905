package dev.fifokit;

import java.nio.file.Path;

/** The end was closed, by this thread before the call or by another thread while it waited. */
public final class FifoClosedException extends FifoException {
    private static final long serialVersionUID = 1L;

    /**
     * The end on {@code path} was closed.
     *
     * @param path   the FIFO concerned
     * @param reason the reason, in words
     */
    public FifoClosedException(Path path, String reason) {
        super(path, reason);
    }

    /**
     * The end on {@code path} was closed.
     *
     * @param path   the FIFO concerned
     * @param reason the reason, in words
     * @param cause  the underlying failure
     */
    public FifoClosedException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
