package dev.fifokit.server;

/**
 * The simplest handler: request bytes and client in, reply bytes out. Throw
 * {@link RequestRejectedException} for an error reply with your text.
 *
 * @see RequestHandler#replying(ReplyFunction)
 */
@FunctionalInterface
public interface ReplyFunction {
    /**
     * Computes the reply to one request, on the request's own virtual thread.
     *
     * @param request the request bytes, the function's own array
     * @param client  who sent the request
     * @return the reply data, sent as the whole successful reply; may be empty
     * @throws Exception {@link RequestRejectedException} for an error reply with its message;
     *                   any other exception for an error reply describing it
     */
    byte[] reply(byte[] request, ClientIdentity client) throws Exception;
}
