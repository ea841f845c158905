package dev.fifokit.server;

/**
 * The simplest handler: request bytes and client in, reply bytes out. Throw
 * {@link RequestRejectedException} for an error reply with your text.
 *
 * @see RequestHandler#replying(ReplyFunction)
 */
@FunctionalInterface
public interface ReplyFunction {
    byte[] reply(byte[] request, ClientIdentity client) throws Exception;
}
