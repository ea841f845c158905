package dev.fifokit;

import java.nio.file.Path;

/** A writer was asked to fail at once when no process has the FIFO open for reading (ENXIO from a non-blocking open). */
public final class NoReaderException extends FifoException {
    private static final long serialVersionUID = 1L;

    public NoReaderException(Path path, String reason) {
        super(path, reason);
    }

    public NoReaderException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
