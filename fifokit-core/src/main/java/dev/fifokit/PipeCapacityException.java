package dev.fifokit;

import java.nio.file.Path;

/** The pipe capacity could not be changed: above {@code /proc/sys/fs/pipe-max-size} without CAP_SYS_RESOURCE (EPERM), or below the bytes already queued (EBUSY). */
public final class PipeCapacityException extends FifoException {
    private static final long serialVersionUID = 1L;

    public PipeCapacityException(Path path, String reason) {
        super(path, reason);
    }

    public PipeCapacityException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
