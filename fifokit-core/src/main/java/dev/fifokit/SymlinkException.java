package dev.fifokit;

import java.nio.file.Path;

/** The path is a symbolic link and following links was not asked for; it is refused so that nobody can point a FIFO path at another file. */
public final class SymlinkException extends FifoException {
    private static final long serialVersionUID = 1L;

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     */
    public SymlinkException(Path path, String reason) {
        super(path, reason);
    }

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     * @param cause  the underlying failure, or {@code null}
     */
    public SymlinkException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
