package dev.fifokit.server;

import dev.fifokit.FifoException;

import java.nio.file.Path;

/**
 * The reply ended before its end marker (a zero-length frame of type 2), or held a frame
 * type the protocol does not have: the server stopped, dropped the request (for example it
 * exceeded its deadline while the reply FIFO was full), or is not a fifokit-protocol server.
 */
public final class IncompleteReplyException extends FifoException {
    private static final long serialVersionUID = 1L;

    /**
     * The reply in {@code path} ended early or held a frame the protocol does not have; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO or directory concerned
     * @param reason the cause, in words
     */
    public IncompleteReplyException(Path path, String reason) {
        super(path, reason);
    }

    /**
     * The reply in {@code path} ended early or held a frame the protocol does not have; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO or directory concerned
     * @param reason the cause, in words
     * @param cause  the underlying failure, or {@code null}
     */
    public IncompleteReplyException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
