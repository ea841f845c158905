package dev.fifokit.server;

import dev.fifokit.FifoException;

import java.nio.file.Path;

/**
 * Another server already serves this directory: it holds the lock on {@code server.lock}.
 * Only one server per directory; stop the other one or choose another directory.
 */
public final class ServerBusyException extends FifoException {
    private static final long serialVersionUID = 1L;

    /**
     * Another server holds the lock of {@code directory}; the message is
     * {@code "<directory>: <reason>"}.
     *
     * @param directory the server directory that is taken
     * @param reason    the cause, in words
     */
    public ServerBusyException(Path directory, String reason) {
        super(directory, reason);
    }
}
