package dev.fifokit.server;

/**
 * Thrown by a {@link RequestHandler} to answer with an error reply whose text is exactly this
 * exception's message (no class name, no stack). Any other exception from a handler also
 * gives an error reply, with a short description of the exception.
 */
public class RequestRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    public RequestRejectedException(String text) {
        super(text);
    }

    public RequestRejectedException(String text, Throwable cause) {
        super(text, cause);
    }
}
