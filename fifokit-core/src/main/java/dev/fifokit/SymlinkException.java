package dev.fifokit;

import java.nio.file.Path;

/** The path is a symbolic link and following links was not asked for; it is refused so that nobody can point a FIFO path at another file. */
public final class SymlinkException extends FifoException {
    private static final long serialVersionUID = 1L;

    public SymlinkException(Path path, String reason) {
        super(path, reason);
    }

    public SymlinkException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
