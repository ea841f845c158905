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
 * One request, from its frame to its end marker, on its own virtual thread (the supervisor):
 * opens the reply FIFO, waits for a handler slot, reads the body when it travels through a
 * request FIFO, runs the handler on a second virtual thread, writes what the handler sends,
 * and enforces the deadlines.
 *
 * <ul>
 *   <li>At the request deadline the handler is interrupted and the client gets an error reply.
 *       The handler's slot is released only when its thread has ended, so the in-flight bound
 *       counts handlers that ignore their interrupt too.</li>
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
    private volatile Handoff sink;
    private volatile String abortReason;
    private volatile AutoCloseable waitingOn;
    private volatile Thread supervisor;

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
        Handoff s = sink;
        if (s != null) {
            s.abort(reason);
        }
        AutoCloseable w = waitingOn;
        if (w != null) {
            closeQuietly(w);
        }
    }

    @Override
    public void run() {
        supervisor = Thread.currentThread();
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
            ctx.runs.remove(this);
            if (refusal == null) {
                ctx.admitted.release();
                ctx.released();
            }
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
        String error;
        boolean slot = false;
        Thread handler = null;
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
                Handoff s = new Handoff(ctx.maxPayload);
                sink = s;
                if (abortReason != null) {
                    s.abort(abortReason);
                }
                handler = Thread.ofVirtual().name("fifokit-handler-" + ticket.pid()).unstarted(() -> {
                    try {
                        s.done(runHandler(request, s));
                    } finally {
                        ctx.slots.release(); // the slot is free only once the handler has really ended
                    }
                });
                handler.start();
                slot = false; // the handler thread releases it
                error = relay(s, handler, out);
            }
            if (error != null) {
                sendSplit(out, ServerProtocol.TYPE_ERROR, error.getBytes(StandardCharsets.UTF_8));
            }
            out.send(ServerProtocol.TYPE_END, NO_BYTES);
            out.flush();
        } catch (IOException e) {
            Handoff s = sink;
            if (s != null) {
                s.close("the reply could not be written");
            }
            if (handler != null) {
                handler.interrupt();
            }
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
            Handoff s = sink;
            if (s != null) {
                s.close("the server is stopping");
            }
            if (handler != null) {
                handler.interrupt();
            }
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

    /** Writes the handler's parts until it finishes, the deadline passes or the server stops; returns the error text or null. */
    private String relay(Handoff s, Thread handler, Frames out) throws IOException, InterruptedException {
        boolean first = true;
        while (true) {
            Handoff.Item item = s.take(0);
            if (item == null && first) {
                // the handler has just started, most likely on this carrier's queue: let it run
                // now, so that a quick one is done before this thread would park and be woken
                first = false;
                Thread.yield();
                item = s.take(0);
            }
            if (item == null) {
                out.flush(); // the handler is still working: let the client have what it sent
                item = s.take(deadline - System.nanoTime());
            }
            switch (item) {
                case Handoff.Part p -> sendSplit(out, ServerProtocol.TYPE_OK, p.data());
                case Handoff.Done d -> {
                    return d.error();
                }
                case Handoff.Abort a -> {
                    stopHandler(s, handler, a.reason());
                    return a.reason();
                }
                case null -> {
                    String why = deadlineText();
                    stopHandler(s, handler, why);
                    return why;
                }
            }
        }
    }

    private void stopHandler(Handoff s, Thread handler, String why) throws InterruptedException {
        s.close(why);
        handler.interrupt();
        if (!handler.join(java.time.Duration.ofMillis(ABANDON_AFTER_MILLIS))) {
            ctx.log.abandoned.incrementAndGet();
            ctx.log.event("abandoned", ctx.serverFifo + ": " + who()
                    + ": handler still running after it was interrupted; it keeps its slot until it ends");
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

    private String runHandler(Request request, Handoff s) {
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

        Guarded(FifoWriter w) {
            this.w = w;
        }

        @Override
        public long until() {
            return until;
        }

        @Override
        public void expire() {
            until = 0;
            closeAside(w);
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
