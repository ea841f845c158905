package dev.fifokit;

import java.nio.file.Path;

/** A writer was asked to fail at once when no process has the FIFO open for reading (ENXIO from a non-blocking open). */
public final class NoReaderException extends FifoException {
    private static final long serialVersionUID = 1L;

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     */
    public NoReaderException(Path path, String reason) {
        super(path, reason);
    }

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     * @param cause  the underlying failure, or {@code null}
     */
    public NoReaderException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
