package dev.fifokit.bridge;

import java.io.IOException;

/**
 * A failure of the local end (the FIFO or a standard stream) met on a thread that also uses a
 * link: it ends the bridge whatever the link does, and it is never taken for a link failure.
 * The cause is the core's own exception, which names the FIFO.
 */
final class LocalFailure extends IOException {
    private static final long serialVersionUID = 1L;

    LocalFailure(IOException cause) {
        super(cause.getMessage(), cause);
    }

    @Override
    public synchronized IOException getCause() {
        return (IOException) super.getCause();
    }
}
