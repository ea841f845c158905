package dev.fifokit;

import java.nio.file.Path;

/** The end was closed, by this thread before the call or by another thread while it waited. */
public final class FifoClosedException extends FifoException {
    private static final long serialVersionUID = 1L;

    public FifoClosedException(Path path, String reason) {
        super(path, reason);
    }

    public FifoClosedException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
