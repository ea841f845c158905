package dev.fifokit;

import java.nio.file.Path;

/** The caller may not open or create the FIFO (EACCES or EPERM). */
public final class FifoAccessDeniedException extends FifoException {
    private static final long serialVersionUID = 1L;

    /**
     * Access to {@code path} was refused.
     *
     * @param path   the FIFO concerned
     * @param reason the reason, in words
     */
    public FifoAccessDeniedException(Path path, String reason) {
        super(path, reason);
    }

    /**
     * Access to {@code path} was refused.
     *
     * @param path   the FIFO concerned
     * @param reason the reason, in words
     * @param cause  the underlying failure
     */
    public FifoAccessDeniedException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
