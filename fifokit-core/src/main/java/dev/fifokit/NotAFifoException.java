package dev.fifokit;

import java.nio.file.Path;

/** The path exists and is not a FIFO: a regular file, a directory, a device or a socket. fifokit never opens those as a pipe end. */
public final class NotAFifoException extends FifoException {
    private static final long serialVersionUID = 1L;

    public NotAFifoException(Path path, String reason) {
        super(path, reason);
    }

    public NotAFifoException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
