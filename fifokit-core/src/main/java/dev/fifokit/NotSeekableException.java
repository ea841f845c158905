package dev.fifokit;

import java.nio.file.Path;

/** Seeking, positioned I/O or asking for a size on a FIFO or pipe, which has no position (ESPIPE). */
public final class NotSeekableException extends FifoException {
    private static final long serialVersionUID = 1L;

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     */
    public NotSeekableException(Path path, String reason) {
        super(path, reason);
    }

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     * @param cause  the underlying failure, or {@code null}
     */
    public NotSeekableException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
