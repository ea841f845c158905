package dev.fifokit.server;

import dev.fifokit.FifoException;

import java.nio.file.Path;

/**
 * The server answered with an error reply (frames of type 1). {@link #text()} is the error
 * text exactly as the server sent it (for {@code fifokit serve}, the command's stderr); the
 * exception's message is {@code "<directory>: <text>"}.
 */
public final class ErrorReplyException extends FifoException {
    private static final long serialVersionUID = 1L;

    /** The error text as sent by the server, unchanged. */
    private final String text;

    /**
     * An error reply from the server in {@code directory}.
     *
     * @param directory the server's directory
     * @param text      the error text the server sent
     */
    public ErrorReplyException(Path directory, String text) {
        super(directory, text.isBlank() ? "the server answered with an error" : text.strip());
        this.text = text;
    }

    /** {@return the error text as sent by the server, unchanged} */
    public String text() {
        return text;
    }
}
