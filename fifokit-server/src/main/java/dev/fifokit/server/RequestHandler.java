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
    void handle(Request request, ReplySink reply) throws Exception;

    /** A handler that answers each request with one reply computed by {@code function}. */
    static RequestHandler replying(ReplyFunction function) {
        java.util.Objects.requireNonNull(function, "function");
        return (request, reply) -> reply.send(function.reply(request.payload(), request.client()));
    }
}
