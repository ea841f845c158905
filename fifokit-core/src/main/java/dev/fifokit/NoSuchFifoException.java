package dev.fifokit;

import java.nio.file.Path;

/** The path does not exist (ENOENT), or a directory on the way to it does not. */
public final class NoSuchFifoException extends FifoException {
    private static final long serialVersionUID = 1L;

    public NoSuchFifoException(Path path, String reason) {
        super(path, reason);
    }

    public NoSuchFifoException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
