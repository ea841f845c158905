package dev.fifokit;

import java.nio.file.Path;

/** Creating a FIFO found something already at the path, and reusing it was not asked for. */
public final class FifoExistsException extends FifoException {
    private static final long serialVersionUID = 1L;

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     */
    public FifoExistsException(Path path, String reason) {
        super(path, reason);
    }

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     * @param cause  the underlying failure, or {@code null}
     */
    public FifoExistsException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
