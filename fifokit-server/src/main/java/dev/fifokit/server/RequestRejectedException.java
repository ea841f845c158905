package dev.fifokit.server;

/**
 * Thrown by a {@link RequestHandler} to answer with an error reply whose text is exactly this
 * exception's message (no class name, no stack). Any other exception from a handler also
 * gives an error reply, with a short description of the exception.
 */
public class RequestRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Rejects the request with {@code text} as the error reply.
     *
     * @param text the error text the client gets, exactly as given ({@code null}: "request
     *             rejected")
     */
    public RequestRejectedException(String text) {
        super(text);
    }

    /**
     * Rejects the request with {@code text} as the error reply; {@code cause} is kept for the
     * handler's own logs and is not sent.
     *
     * @param text  the error text the client gets, exactly as given ({@code null}: "request
     *              rejected")
     * @param cause the underlying failure, or {@code null}
     */
    public RequestRejectedException(String text, Throwable cause) {
        super(text, cause);
    }
}
