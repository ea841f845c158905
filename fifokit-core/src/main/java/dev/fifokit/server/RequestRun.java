package dev.fifokit.server;

import dev.fifokit.BrokenPipeException;
import dev.fifokit.Durations;
import dev.fifokit.NoReaderException;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.MessageOptions;
import dev.fifokit.messages.MessageWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request, from its frame to its end marker, on its own virtual thread (the supervisor):
 * opens the reply FIFO, runs the handler on a second virtual thread, writes what the handler
 * sends, and enforces the deadline.
 *
 * <ul>
 *   <li>At the deadline the handler is interrupted and the client gets an error reply; a
 *       handler that does not stop within {@link #ABANDON_AFTER} is left running (counted as
 *       abandoned) and the request is over.</li>
 *   <li>Writing to a client that does not read is bounded too: the reply FIFO is closed
 *       {@link #WRITE_GRACE} after the deadline, which wakes the blocked write.</li>
 * </ul>
 */
final class RequestRun implements Runnable {
    static final Duration WRITE_GRACE = Duration.ofSeconds(1);
    static final Duration ABANDON_AFTER = Duration.ofMillis(100);

    private final ServerContext ctx;
    private final long clientId;
    private final byte[] payload;
    private final long deadline;

    RequestRun(ServerContext ctx, long clientId, byte[] payload) {
        this.ctx = ctx;
        this.clientId = clientId;
        this.payload = payload;
        this.deadline = System.nanoTime() + ctx.deadline().toNanos();
    }

    @Override
    public void run() {
        try {
            ReplyFifo target;
            try {
                target = ReplyFifo.open(ctx.directory(), clientId);
            } catch (NoReaderException e) {
                boolean removed = ReplyFifo.removeAbandoned(ctx.directory(), clientId);
                drop("nobody reads the reply FIFO (the client died or never opened it)" + (removed ? "; FIFO removed" : ""));
                return;
            } catch (IOException e) {
                drop("no usable reply FIFO: " + e.getMessage());
                return;
            }
            ScheduledFuture<?> guard = ctx.timer().schedule(target::close,
                    deadline - System.nanoTime() + WRITE_GRACE.toNanos(), TimeUnit.NANOSECONDS);
            try {
                serve(target);
            } finally {
                guard.cancel(false);
                target.close();
            }
        } catch (RuntimeException | Error e) {
            ctx.log().line(ctx.serverFifo() + ": client " + clientId + ": internal error: " + e);
        } finally {
            ctx.finished();
        }
    }

    private void serve(ReplyFifo target) {
        Request request = new Request(payload, target.client(), deadline);
        Handoff sink = new Handoff(ctx.maxPayload());
        Thread handler = Thread.ofVirtual().name("fifokit-handler-" + clientId)
                .start(() -> sink.done(runHandler(request, sink)));
        String error;
        try {
            // batched: small parts and the end marker share one write (never over PIPE_BUF)
            MessageWriter out = MessageWriter.of(target.writer(), Framing.MESG,
                    MessageOptions.defaults().maxPayload(ctx.maxPayload()).batching(true));
            error = relay(sink, handler, out);
            if (error != null) {
                sendSplit(out, ServerProtocol.TYPE_ERROR, error.getBytes(StandardCharsets.UTF_8));
            }
            out.send(ServerProtocol.TYPE_END, new byte[0]);
            out.flush();
        } catch (IOException e) {
            sink.close("the reply could not be written");
            handler.interrupt();
            if (e instanceof BrokenPipeException) {
                boolean removed = target.removeIfSame();
                drop("the client went away before its reply was written" + (removed ? "; FIFO removed" : ""));
            } else {
                drop(System.nanoTime() - deadline >= 0
                        ? "the client did not read its reply before the deadline" : "reply not delivered: " + e.getMessage());
            }
            return;
        } catch (InterruptedException e) {
            sink.close("the server is stopping");
            handler.interrupt();
            drop("interrupted");
            Thread.currentThread().interrupt();
            return;
        }
        ctx.log().answered.incrementAndGet();
        if (error != null) {
            ctx.log().errorReplies.incrementAndGet();
        }
    }

    /** Writes the handler's parts until it finishes or the deadline passes; returns the error text or null. */
    private String relay(Handoff sink, Thread handler, MessageWriter out) throws IOException, InterruptedException {
        while (true) {
            Handoff.Item item = sink.take(0);
            if (item == null) {
                out.flush(); // the handler is still working: let the client have what it sent
                item = sink.take(deadline - System.nanoTime());
            }
            switch (item) {
                case Handoff.Part p -> sendSplit(out, ServerProtocol.TYPE_OK, p.data());
                case Handoff.Done d -> {
                    return d.error();
                }
                case null -> {
                    String why = "request deadline of " + Durations.format(ctx.deadline()) + " exceeded";
                    sink.close(why);
                    handler.interrupt();
                    if (!handler.join(ABANDON_AFTER)) {
                        ctx.log().abandoned.incrementAndGet();
                        ctx.log().line(ctx.serverFifo() + ": client " + clientId
                                + ": handler still running after its deadline; abandoned");
                    }
                    return why;
                }
            }
        }
    }

    private void sendSplit(MessageWriter out, long type, byte[] data) throws IOException {
        int max = ctx.maxPayload();
        if (data.length <= max) {
            out.send(type, data);
            return;
        }
        for (int off = 0; off < data.length; off += max) {
            out.send(type, java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + max)));
        }
    }

    private String runHandler(Request request, Handoff sink) {
        try {
            ctx.handler().handle(request, sink);
            return null;
        } catch (RequestRejectedException e) {
            return e.getMessage() != null ? e.getMessage() : "request rejected";
        } catch (InterruptedException e) {
            return "interrupted";
        } catch (Throwable t) {
            if (sink.isClosed()) {
                return "abandoned"; // the supervisor already gave up on this request and said why
            }
            ctx.log().line(ctx.serverFifo() + ": client " + clientId + ": handler failed: " + t);
            String m = t.getMessage();
            return "handler failed: " + t.getClass().getSimpleName() + (m != null ? ": " + m : "");
        }
    }

    private void drop(String why) {
        ctx.log().dropped.incrementAndGet();
        ctx.log().line(ctx.serverFifo() + ": client " + clientId + ": request dropped: " + why);
    }
}
