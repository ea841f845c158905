package dev.fifokit.bridge;

import java.io.IOException;

/**
 * A bridge failure that is not the FIFO's own (those are {@link dev.fifokit.FifoException}s):
 * the link, the far side's handshake, TLS material. The message is {@code "<address>: <reason>"}.
 */
public class BridgeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final boolean fatal;

    /** A failure described by {@code message} ({@code "<address>: <reason>"}). */
    public BridgeException(String message) {
        this(message, null, false);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public BridgeException(String message, Throwable cause) {
        this(message, cause, false);
    }

    BridgeException(String message, Throwable cause, boolean fatal) {
        super(message, cause);
        this.fatal = fatal;
    }

    /**
     * True when retrying cannot help (the far side speaks another format or protocol version,
     * or refused this side's configuration): a reconnecting bridge stops on it.
     */
    public boolean isFatal() {
        return fatal;
    }
}
