package dev.fifokit;

import java.nio.file.Path;

/** Creating a FIFO found something already at the path, and reusing it was not asked for. */
public final class FifoExistsException extends FifoException {
    private static final long serialVersionUID = 1L;

    public FifoExistsException(Path path, String reason) {
        super(path, reason);
    }

    public FifoExistsException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
