package dev.fifokit.server;

import dev.fifokit.FifoException;

import java.nio.file.Path;

/**
 * Another server already serves this directory: it holds the lock on {@code server.lock}.
 * Only one server per directory; stop the other one or choose another directory.
 */
public final class ServerBusyException extends FifoException {
    private static final long serialVersionUID = 1L;

    public ServerBusyException(Path directory, String reason) {
        super(directory, reason);
    }
}
