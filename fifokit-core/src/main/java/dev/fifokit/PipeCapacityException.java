package dev.fifokit;

import java.nio.file.Path;

/** The pipe capacity could not be changed: above {@code /proc/sys/fs/pipe-max-size} without CAP_SYS_RESOURCE (EPERM), or below the bytes already queued (EBUSY). */
public final class PipeCapacityException extends FifoException {
    private static final long serialVersionUID = 1L;

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     */
    public PipeCapacityException(Path path, String reason) {
        super(path, reason);
    }

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     * @param cause  the underlying failure, or {@code null}
     */
    public PipeCapacityException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
