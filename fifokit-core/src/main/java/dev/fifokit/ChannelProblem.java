package dev.fifokit;

import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * The path and reason of the two errors that must extend the JDK's channel exceptions
 * ({@link FifoClosedException}, {@link FifoInterruptedException}) and so cannot extend
 * {@link FifoException}: those constructors take no message, so the message is made here.
 */
final class ChannelProblem implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Path path;
    private final String reason;

    private ChannelProblem(Path path, String reason) {
        this.path = path;
        this.reason = reason;
    }

    /** The problem of {@code error}, whose cause becomes {@code cause} when that is not null. */
    static ChannelProblem of(Throwable error, Path path, String reason, Throwable cause) {
        if (cause != null) {
            error.initCause(cause);
        }
        return new ChannelProblem(path, reason);
    }

    Path path() {
        return path;
    }

    String reason() {
        return reason;
    }

    String message() {
        return FifoProblem.message(path, reason);
    }
}
