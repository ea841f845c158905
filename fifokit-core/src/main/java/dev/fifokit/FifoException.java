package dev.fifokit;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Base of every error fifokit reports. The message is always {@code "<path>: <reason>"},
 * so a tool can print it after its own name and the user sees which file failed and why.
 * Anonymous pipes have no path and are named {@code "pipe"}.
 */
public class FifoException extends IOException implements FifoProblem {
    private static final long serialVersionUID = 1L;

    private final transient Path path;
    private final String reason;

    public FifoException(Path path, String reason) {
        this(path, reason, null);
    }

    public FifoException(Path path, String reason, Throwable cause) {
        super((path == null ? "pipe" : path.toString()) + ": " + reason, cause);
        this.path = path;
        this.reason = reason;
    }

    /** The FIFO this error is about, or {@code null} for an anonymous pipe. */
    public Path path() {
        return path;
    }

    /** The cause in words, without the path, e.g. "exists and is not a FIFO". */
    public String reason() {
        return reason;
    }
}
