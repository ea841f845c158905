package dev.fifokit.server;

/**
 * What a {@link FifoServer} runs for each request, on its own virtual thread, concurrently
 * with other requests (up to {@link ServerOptions#maxInFlight(int)} at once).
 *
 * <p>The handler streams reply data into {@code reply}; returning normally ends the reply
 * with success. Throwing {@link RequestRejectedException} sends an error reply carrying its
 * message; any other exception sends an error reply describing it (data already sent stays
 * sent; the error follows it).
 *
 * <p><b>Deadline.</b> At the request's {@linkplain Request#deadline() deadline} the handler
 * thread is interrupted and the client gets an error reply; a handler that ignores the
 * interrupt is abandoned (nothing it sends reaches the client), but it keeps its place in
 * the in-flight bound until its thread really ends, so the bound counts what runs. When the
 * server stops, handlers still running after the grace period are interrupted the same way.
 *
 * <pre>{@code
 * RequestHandler upper = RequestHandler.replying((bytes, client) ->
 *         new String(bytes, UTF_8).toUpperCase().getBytes(UTF_8));
 * }</pre>
 */
@FunctionalInterface
public interface RequestHandler {
    /**
     * Handles one request, on its own virtual thread; returning normally ends the reply with
     * success.
     *
     * @param request the request: its bytes, who sent it and its deadline
     * @param reply   where the reply data goes; the reply ends when this method returns
     * @throws Exception {@link RequestRejectedException} for an error reply with its message;
     *                   any other exception for an error reply describing it (data already
     *                   sent stays sent)
     */
    void handle(Request request, ReplySink reply) throws Exception;

    /**
     * A handler that answers each request with one reply computed by {@code function}.
     *
     * @param function computes the reply bytes from the request bytes and the client
     * @return a handler that sends what {@code function} returns as the whole reply
     */
    static RequestHandler replying(ReplyFunction function) {
        java.util.Objects.requireNonNull(function, "function");
        return (request, reply) -> reply.send(function.reply(request.payload(), request.client()));
    }
}
