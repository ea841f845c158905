package dev.fifokit.server;

import dev.fifokit.FifoException;

import java.nio.file.Path;

/**
 * No server to send a request to: the directory has no {@code server.fifo}, it is not a FIFO,
 * no process has it open for reading (a server that died), or the server stopped while the
 * request was being sent. Nothing was answered; the CLI exits 3.
 */
public final class NoServerException extends FifoException {
    private static final long serialVersionUID = 1L;

    /**
     * No server reads {@code path}; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO or directory concerned
     * @param reason the cause, in words
     */
    public NoServerException(Path path, String reason) {
        super(path, reason);
    }

    /**
     * No server reads {@code path}; the message is {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO or directory concerned
     * @param reason the cause, in words
     * @param cause  the underlying failure, or {@code null}
     */
    public NoServerException(Path path, String reason, Throwable cause) {
        super(path, reason, cause);
    }
}
