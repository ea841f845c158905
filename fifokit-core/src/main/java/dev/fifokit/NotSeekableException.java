package dev.fifokit;

import java.nio.file.Path;

/** Seeking, positioned I/O or asking for a size on a FIFO or pipe, which has no position (ESPIPE). */
public final class NotSeekableException extends FifoException {
    private static final long serialVersionUID = 1L;

    public NotSeekableException(Path path, String reason) {
        super(path, reason);
    }

    public NotSeekableException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
