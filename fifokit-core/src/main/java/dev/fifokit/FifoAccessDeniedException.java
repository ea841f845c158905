package dev.fifokit;

import java.nio.file.Path;

/** The caller may not open or create the FIFO (EACCES or EPERM). */
public final class FifoAccessDeniedException extends FifoException {
    private static final long serialVersionUID = 1L;

    public FifoAccessDeniedException(Path path, String reason) {
        super(path, reason);
    }

    public FifoAccessDeniedException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
