package dev.fifokit.server;

import dev.fifokit.BrokenPipeException;
import dev.fifokit.Durations;
import dev.fifokit.FifoException;
import dev.fifokit.NoReaderException;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request, from its frame to its end marker, on its own virtual thread: opens the reply
 * FIFO, waits for a handler slot, reads the body when it travels through a request FIFO, runs
 * the handler on this same thread (no hand-off: what it sends is held in a {@link HandlerReply}
 * and usually goes out with the end marker in one write), writes the reply, and enforces the
 * deadlines.
 *
 * <ul>
 *   <li>At the request deadline (seen by the server's sweep, so within
 *       {@value ServerContext#SWEEP_MILLIS} ms) another thread takes the reply over: the
 *       handler is interrupted, and the client gets the error reply and its end marker, from
 *       that thread, even when the handler ignores the interrupt. The handler's slot is
 *       released only when the handler has returned, so the in-flight bound counts handlers
 *       that ignore their interrupt too.</li>
 *   <li>Every wait on the client (each write of the reply, each read of a body) is bounded by
 *       the client stall limit: the end is closed when it passes, which wakes the wait. A
 *       client that does not read costs only its own request.</li>
 *   <li>When the server stops, {@link #abort(String)} ends the request with an error reply.</li>
 * </ul>
 */
final class RequestRun implements Runnable {
    /** How long a handler that ignores its interrupt is waited for before it is reported abandoned. */
    static final long ABANDON_AFTER_MILLIS = 100;

    /**
     * How often a request waiting for a handler slot looks for an abort (the stop's final half
     * second covers it); not more often, since a thousand requests may be waiting.
     */
    private static final long SLOT_POLL_NANOS = 200_000_000L;

    private static final byte[] NO_BYTES = new byte[0];
    private static final java.lang.invoke.VarHandle LONG = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.nativeOrder());

    /** A request as read from server.fifo: who claims to send it, where to reply, and its body. */
    record Ticket(long pid, String replyName, byte[] body, long bodyLength, String requestName) {}

    private final ServerContext ctx;
    private final Ticket ticket;
    private final long deadline;
    private volatile HandlerReply sink;
    private volatile String abortReason;
    private volatile AutoCloseable waitingOn;
    /** The reply end, once open (a take-over closes it when it leaves a handler behind). */
    private volatile ReplyFifo target;
    /** The reply's frames, written under the handler reply's write lock while the handler runs. */
    private volatile Frames out;
    /** Set once the request's admission is given back and it left the server's list. */
    private final java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();

    /** Not null: the request is refused with this error reply, without a handler (and holds no admission). */
    private final String refusal;

    RequestRun(ServerContext ctx, Ticket ticket, String refusal) {
        this.ctx = ctx;
        this.ticket = ticket;
        this.refusal = refusal;
        this.deadline = System.nanoTime() + ctx.deadline.toNanos();
    }

    long pid() {
        return ticket.pid();
    }

    /** The thread could not be started: give back what the run holds. */
    void notStarted() {
        if (refusal == null) {
            ctx.admitted.release();
        }
    }

    /** Ends this request with an error reply {@code reason} (the server is stopping). Never blocks. */
    void abort(String reason) {
        abortReason = reason;
        HandlerReply s = sink;
        if (s != null) {
            takeOverAside(s, reason);
        }
        AutoCloseable w = waitingOn;
        if (w != null) {
            closeQuietly(w);
        }
    }

    @Override
    public void run() {
        ctx.runs.add(this);
        try {
            ReplyFifo target;
            try {
                target = ReplyFifo.open(ctx.directory, ticket.replyName(), ctx.owner, ctx.directReplies);
            } catch (NoReaderException e) {
                boolean removed = ReplyFifo.removeAbandoned(ctx.directory, ticket.replyName(), ctx.owner);
                drop("nobody reads the reply FIFO (the client died or never opened it)" + (removed ? "; FIFO removed" : ""));
                return;
            } catch (IOException e) {
                drop("no usable reply FIFO: " + e.getMessage());
                return;
            }
            this.target = target;
            try {
                // only the server writes a reply FIFO: bytes already in it were put there by
                // someone else (a client filling its own pipe so the server would wait), so the
                // request is dropped before it costs a handler slot or any wait (once: a client
                // that fills it later only makes its own writes wait, up to the stall limit)
                int held = heldBytes(target);
                if (held != 0) {
                    drop(held > 0 ? "the reply FIFO already holds " + held + " bytes the server did not write"
                            : "the reply FIFO cannot be inspected");
                    return;
                }
                serve(target);
            } finally {
                target.close();
            }
        } catch (RuntimeException | Error e) {
            ctx.log.line(ctx.serverFifo + ": " + who() + ": internal error: " + e);
        } finally {
            finishRequest();
        }
    }

    /**
     * The request is over for the server: its admission is given back (once, whoever calls
     * first: this thread, or the take-over that leaves behind a handler ignoring its interrupt).
     */
    private void finishRequest() {
        if (!over.compareAndSet(false, true)) {
            return;
        }
        ctx.runs.remove(this);
        if (refusal == null) {
            ctx.admitted.release();
            ctx.released();
        }
    }

    /** Bytes already queued in the reply FIFO, or -1 when they cannot be counted. */
    private static int heldBytes(ReplyFifo target) {
        try {
            return target.writer().available();
        } catch (IOException e) {
            return -1;
        }
    }

    private void serve(ReplyFifo target) {
        Guarded guarded = new Guarded(target.writer());
        ctx.watched.add(guarded);
        try {
            serve(target, guarded);
        } finally {
            ctx.watched.remove(guarded);
        }
    }

    private void serve(ReplyFifo target, Guarded guarded) {
        Frames out = new Frames(guarded, ctx.maxPayload);
        this.out = out;
        String error;
        boolean slot = false;
        try {
            byte[] body = ticket.body();
            if (refusal != null) {
                throw new RequestBodyException(refusal);
            }
            if (body == null) {
                // a large body is read before a handler slot is taken, so a client that sends
                // it slowly holds no slot; how many are read at once is bounded, never waited for
                if (!ctx.bodies.tryAcquire()) {
                    throw new RequestBodyException("too many large requests at once (" + ctx.bodies.availablePermits()
                            + " free); the body was not read");
                }
                try {
                    body = readBody(target.uid());
                } finally {
                    ctx.bodies.release();
                }
            }
            slot = body != null && awaitSlot();
            if (body == null) {
                error = abortReason != null ? abortReason : "the request body did not arrive";
            } else if (!slot) {
                error = abortReason != null ? abortReason : deadlineText();
            } else {
                Request request = new Request(body, new ClientIdentity(ticket.pid(), target.uid()), deadline);
                HandlerReply s = new HandlerReply(ctx.maxPayload, Thread.currentThread(), parts -> {
                    for (byte[] p : parts) {
                        sendSplit(out, ServerProtocol.TYPE_OK, p);
                    }
                    out.flush();
                }, ServerContext.SWEEP_MILLIS * 1_000_000L);
                sink = s;
                guarded.handler = s;
                if (abortReason != null) {
                    takeOverAside(s, abortReason);
                }
                try {
                    error = runHandler(request, s);
                } finally {
                    slot = false;
                    ctx.slots.release(); // the slot is free only once the handler has really ended
                    s.handlerEnded();
                }
                java.util.List<byte[]> parts = s.finish();
                if (parts == null) {
                    return; // taken over: the error reply was written by the take-over
                }
                for (byte[] p : parts) {
                    sendSplit(out, ServerProtocol.TYPE_OK, p);
                }
            }
            if (error != null) {
                sendSplit(out, ServerProtocol.TYPE_ERROR, error.getBytes(StandardCharsets.UTF_8));
            }
            out.send(ServerProtocol.TYPE_END, NO_BYTES);
            out.flush();
        } catch (IOException e) {
            if (e instanceof BrokenPipeException) {
                boolean removed = target.removeIfSame();
                drop("the client went away before its reply was written" + (removed ? "; FIFO removed" : ""));
            } else if (e instanceof RequestBodyException) {
                drop(e.getMessage());
                tryError(out, e.getMessage());
            } else {
                drop(abortReason != null ? "reply not delivered before the server stopped"
                        : "the client did not read its reply (no progress for "
                        + Durations.format(java.time.Duration.ofNanos(ctx.stallNanos)) + ")");
            }
            return;
        } catch (InterruptedException e) {
            drop("interrupted");
            return;
        } finally {
            if (slot) {
                ctx.slots.release();
            }
        }
        ctx.log.answered.incrementAndGet();
        if (error != null) {
            ctx.log.errorReplies.incrementAndGet();
        }
    }

    /** Best effort: tells the client why its request failed (the reply end may be unusable). */
    private void tryError(Frames out, String why) {
        try {
            sendSplit(out, ServerProtocol.TYPE_ERROR, why.getBytes(StandardCharsets.UTF_8));
            out.send(ServerProtocol.TYPE_END, NO_BYTES);
            out.flush();
        } catch (IOException ignored) {
            // the client is gone: the request is dropped anyway
        }
    }

    /** Waits for a handler slot until the deadline or an abort; true when one was taken. */
    private boolean awaitSlot() throws InterruptedException {
        while (abortReason == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (ctx.slots.tryAcquire(Math.min(left, SLOT_POLL_NANOS), TimeUnit.NANOSECONDS)) {
                if (abortReason != null) {
                    ctx.slots.release();
                    return false;
                }
                return true;
            }
        }
        return false;
    }

    /** A body sent apart from the ticket, through the client's request FIFO. */
    private static final class RequestBodyException extends IOException {
        private static final long serialVersionUID = 1L;

        RequestBodyException(String message) {
            super(message);
        }
    }

    /**
     * Reads a body that travels through {@code request.<token>.fifo}: a FIFO with one name,
     * owned by the owner of the reply FIFO. Each read waits at most the client stall limit.
     * Returns null when aborted.
     */
    private byte[] readBody(int uid) throws IOException {
        long length = ticket.bodyLength();
        if (length > ctx.maxRequestBytes) {
            throw new RequestBodyException("a request body of " + length + " bytes is over the limit of "
                    + ctx.maxRequestBytes);
        }
        java.nio.file.Path path = ctx.directory.resolve(ticket.requestName());
        FifoReader in;
        try {
            in = FifoReader.open(path, ReaderOptions.defaults().awaitWriter(false));
        } catch (FifoException e) {
            throw new RequestBodyException("no usable request FIFO: " + e.getMessage());
        }
        waitingOn = in;
        try {
            FileFacts s = FileFacts.ofOpened(in);
            String why = s.refusal(uid);
            if (why != null) {
                throw new RequestBodyException("refused as a request FIFO: " + path.getFileName() + ": " + why);
            }
            byte[] body = new byte[(int) length];
            int got = 0;
            while (got < body.length) {
                if (abortReason != null) {
                    return null;
                }
                long until = Math.min(ctx.until(ctx.stallNanos), deadline);
                ScheduledFuture<?> guard = ctx.timer.schedule(() -> closeAside(in),
                        until - System.nanoTime(), TimeUnit.NANOSECONDS);
                int n;
                try {
                    n = in.read(body, got, body.length - got);
                } catch (IOException e) {
                    if (abortReason != null) {
                        return null;
                    }
                    throw new RequestBodyException("the request body stopped coming after " + got + " of "
                            + length + " bytes");
                } finally {
                    guard.cancel(false);
                }
                if (n < 0) {
                    throw new RequestBodyException("the request body ended after " + got + " of " + length + " bytes");
                }
                got += n;
            }
            return body;
        } finally {
            waitingOn = null;
            closeQuietly(in);
        }
    }

    /** Takes the reply over from a handler still running, on a thread of its own (never blocks the caller). */
    private void takeOverAside(HandlerReply s, String why) {
        Thread.ofVirtual().name("fifokit-takeover-" + ticket.pid()).start(() -> takeOver(s, why));
    }

    /**
     * The handler overstays (its deadline passed, or the server stops): interrupt it and send the
     * client the error reply {@code why}, waiting for the handler at most
     * {@value #ABANDON_AFTER_MILLIS} ms (after that it is reported abandoned; it keeps its slot
     * until it returns, and the request is over for everyone else: its reply end is closed).
     */
    private void takeOver(HandlerReply s, String why) {
        Frames out = this.out;
        boolean[] delivered = {false};
        boolean took = s.stop(why, () -> {
            try {
                if (!s.awaitHandler(ABANDON_AFTER_MILLIS)) {
                    ctx.log.abandoned.incrementAndGet();
                    ctx.log.event("abandoned", ctx.serverFifo + ": " + who()
                            + ": handler still running after it was interrupted; it keeps its slot until it ends");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                sendSplit(out, ServerProtocol.TYPE_ERROR, why.getBytes(StandardCharsets.UTF_8));
                out.send(ServerProtocol.TYPE_END, NO_BYTES);
                out.flush();
                delivered[0] = true;
            } catch (IOException e) {
                if (e instanceof BrokenPipeException) {
                    boolean removed = target.removeIfSame();
                    drop("the client went away before its reply was written" + (removed ? "; FIFO removed" : ""));
                } else {
                    drop(abortReason != null ? "reply not delivered before the server stopped"
                            : "the client did not read its reply (no progress for "
                            + Durations.format(java.time.Duration.ofNanos(ctx.stallNanos)) + ")");
                }
            }
        });
        if (!took) {
            return;
        }
        if (delivered[0]) {
            ctx.log.answered.incrementAndGet();
            ctx.log.errorReplies.incrementAndGet();
        }
        if (!s.handlerHasEnded()) {
            target.close(); // the client has its answer; the handler that ignores it keeps only its slot
            finishRequest();
        }
    }

    private String deadlineText() {
        return "request deadline of " + Durations.format(ctx.deadline) + " exceeded";
    }

    private void sendSplit(Frames out, long type, byte[] data) throws IOException {
        int max = ctx.maxPayload;
        if (data.length <= max) {
            out.send(type, data);
            return;
        }
        for (int off = 0; off < data.length; off += max) {
            out.send(type, java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + max)));
        }
    }

    private String runHandler(Request request, HandlerReply s) {
        try {
            ctx.handler.handle(request, s);
            return null;
        } catch (RequestRejectedException e) {
            return e.getMessage() != null ? e.getMessage() : "request rejected";
        } catch (InterruptedException e) {
            return "interrupted";
        } catch (Throwable t) {
            if (s.isClosed()) {
                return "abandoned"; // the supervisor already gave up on this request and said why
            }
            ctx.log.event("handler-failed", ctx.serverFifo + ": " + who() + ": handler failed: " + t);
            String m = t.getMessage();
            return "handler failed: " + t.getClass().getSimpleName() + (m != null ? ": " + m : "");
        }
    }

    private String who() {
        return "client " + ticket.pid();
    }

    private void drop(String why) {
        ctx.log.dropped.incrementAndGet();
        // one rate limit per kind of reason (its first words), so each kind keeps its own count
        String kind = why.length() > 24 ? why.substring(0, 24) : why;
        ctx.log.event("dropped:" + kind, ctx.serverFifo + ": " + who() + ": request dropped: " + why);
    }

    /** Closes {@code c} on a thread of its own: a close may wait, and the shared timer must not. */
    private static void closeAside(AutoCloseable c) {
        Thread.ofVirtual().start(() -> closeQuietly(c));
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // our own end
        }
    }

    /**
     * The reply end with every write bounded by the client stall limit (and the server's hard
     * stop): while a write is under way its limit is set, and the server's sweep closes the end
     * (which wakes the write) once the limit has passed. Bytes the server did not write were
     * looked for once, before the first write.
     */
    private final class Guarded implements WritableByteChannel, ServerContext.Watched {
        private final FifoWriter w;
        private volatile long until;
        /** The handler's reply while it runs: its deadline and held parts are looked at by the sweep too. */
        volatile HandlerReply handler;

        Guarded(FifoWriter w) {
            this.w = w;
        }

        @Override
        public long until() {
            long u = until;
            HandlerReply h = handler;
            if (h != null) {
                u = earliest(u, h.isClosed() || h.handlerHasEnded() ? 0 : deadline);
                u = earliest(u, h.flushAfter());
            }
            return u;
        }

        private static long earliest(long a, long b) {
            return a == 0 ? b : b == 0 ? a : (a - b < 0 ? a : b);
        }

        @Override
        public void expire() {
            long now = System.nanoTime();
            long u = until;
            if (u != 0 && now - u >= 0) {
                until = 0;
                closeAside(w);
            }
            HandlerReply h = handler;
            if (h != null && !h.handlerHasEnded()) {
                if (now - deadline >= 0) {
                    handler = null; // looked at once: the take-over does the rest
                    takeOverAside(h, deadlineText());
                } else {
                    long f = h.flushAfter();
                    if (f != 0 && now - f >= 0) {
                        h.flushAside();
                    }
                }
            }
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            long u = Math.min(ctx.until(ctx.stallNanos), deadline + ctx.stallNanos);
            until = u == 0 ? 1 : u;
            try {
                return w.write(src);
            } finally {
                until = 0;
            }
        }

        @Override
        public boolean isOpen() {
            return w.isOpen();
        }

        @Override
        public void close() {
            closeQuietly(w);
        }
    }

    /**
     * The reply's {@code mesg} frames, gathered into one buffer and written when the next frame
     * would not fit in PIPE_BUF bytes, or on {@link #flush()}: a short reply (data and end frame)
     * is one write(2). The buffer grows with what is sent, so a short reply allocates little.
     */
    private static final class Frames {
        private final WritableByteChannel ch;
        private final int limit;
        private byte[] buf = new byte[256];
        private int n;

        Frames(WritableByteChannel ch, int maxPayload) {
            this.ch = ch;
            this.limit = maxPayload + ServerProtocol.HEADER_BYTES;
        }

        /** Adds one frame; {@code data} is at most the largest payload. */
        void send(long type, byte[] data) throws IOException {
            int need = ServerProtocol.HEADER_BYTES + data.length;
            if (n + need > limit) {
                flush();
            }
            if (n + need > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.min(limit, Math.max(2 * buf.length, n + need)));
            }
            LONG.set(buf, n, (long) data.length);
            LONG.set(buf, n + 8, type);
            System.arraycopy(data, 0, buf, n + ServerProtocol.HEADER_BYTES, data.length);
            n += need;
        }

        /** Writes what is gathered (each write bounded by the client stall limit). */
        void flush() throws IOException {
            if (n == 0) {
                return;
            }
            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
            n = 0;
            while (b.hasRemaining()) {
                if (ch.write(b) == 0 && b.hasRemaining()) {
                    throw new IOException("the reply FIFO took no bytes");
                }
            }
        }
    }
}
