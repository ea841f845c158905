package dev.fifokit;

import java.nio.file.Path;

/** The path does not exist (ENOENT), or a directory on the way to it does not. */
public final class NoSuchFifoException extends FifoException {
    private static final long serialVersionUID = 1L;

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     */
    public NoSuchFifoException(Path path, String reason) {
        super(path, reason);
    }

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     * @param cause  the underlying failure, or {@code null}
     */
    public NoSuchFifoException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
