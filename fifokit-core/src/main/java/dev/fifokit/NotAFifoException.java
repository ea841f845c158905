package dev.fifokit;

import java.nio.file.Path;

/** The path exists and is not a FIFO: a regular file, a directory, a device or a socket. fifokit never opens those as a pipe end. */
public final class NotAFifoException extends FifoException {
    private static final long serialVersionUID = 1L;

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     */
    public NotAFifoException(Path path, String reason) {
        super(path, reason);
    }

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     * @param cause  the underlying failure, or {@code null}
     */
    public NotAFifoException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
