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
    /** The cause in words, without the path. */
    private final String reason;

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     */
    public FifoException(Path path, String reason) {
        this(path, reason, null);
    }

    /**
     * The error, with its path and reason; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO concerned, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     * @param cause  the underlying failure, or {@code null}
     */
    public FifoException(Path path, String reason, Throwable cause) {
        super((path == null ? "pipe" : path.toString()) + ": " + reason, cause);
        this.path = path;
        this.reason = reason;
    }

    /**
     * For errors about something that is not a path, such as an inherited descriptor: the
     * message is {@code "<subject>: <reason>"} and {@link #path()} is {@code null}.
     *
     * @param subject what the error is about, in words (e.g. {@code "fd 4"})
     * @param reason  the cause, in words
     * @param cause   the underlying failure, or {@code null}
     */
    protected FifoException(String subject, String reason, Throwable cause) {
        super(subject + ": " + reason, cause);
        this.path = null;
        this.reason = reason;
    }

    /** {@return the FIFO this error is about, or {@code null} for an anonymous pipe} */
    public Path path() {
        return path;
    }

    /** {@return the cause in words, without the path, e.g. "exists and is not a FIFO"} */
    public String reason() {
        return reason;
    }
}
