package dev.fifokit.bridge;

import java.io.IOException;

/**
 * A bridge failure that is not the FIFO's own (those are {@link dev.fifokit.FifoException}s):
 * the link, the far side's handshake, TLS material. The message is {@code "<address>: <reason>"}.
 */
public class BridgeException extends IOException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** Whether dialling again is pointless. */
    private final boolean fatal;

    /**
     * A failure described by {@code message}.
     *
     * @param message {@code "<address>: <reason>"}
     */
    public BridgeException(String message) {
        this(message, null, false);
    }

    /**
     * A failure described by {@code message}, caused by {@code cause}.
     *
     * @param message {@code "<address>: <reason>"}
     * @param cause what failed underneath, or null
     */
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
     *
     * @return whether dialling again is pointless
     */
    public boolean isFatal() {
        return fatal;
    }
}
