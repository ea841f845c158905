package dev.fifokit.server;

import dev.fifokit.FifoClosedException;
import dev.fifokit.FifoException;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.OpenOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.Fifos;
import dev.fifokit.internal.linux.Stat;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageOptions;
import dev.fifokit.messages.MessageWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request/response server over FIFOs (SPEC §7): Stevens' "one server, many clients", where
 * clients send requests into the well-known {@code server.fifo} and each gets its reply in
 * its own {@code client.<pid>.fifo}. The wire protocol is in {@code docs/server-protocol.md}.
 *
 * <pre>{@code
 * try (FifoServer server = FifoServer.bind(Path.of("/run/me/upper"),
 *         RequestHandler.replying((bytes, client) -> new String(bytes, UTF_8).toUpperCase().getBytes(UTF_8)))) {
 *     server.awaitTermination();   // until another thread calls close()
 * }
 * }</pre>
 *
 * <p><b>Binding</b> creates the directory (0700) when missing, else requires a directory owned
 * by this user; takes the lock on {@code server.lock} (a second server on the same directory
 * fails with {@link ServerBusyException}, and the lock dies with its process); replaces a
 * stale {@code server.fifo} left by a crashed server; and starts reading.
 *
 * <p><b>Serving.</b> One thread reads {@code server.fifo} (kept open for writing too, so
 * clients coming and going never cause end of stream). Each request runs on its own virtual
 * thread, at most {@link ServerOptions#maxInFlight(int)} at once (beyond that the server stops
 * reading: back-pressure), each bounded by {@link ServerOptions#requestDeadline(Duration)}.
 * The server writes a reply only into a FIFO (never a symlink or a regular file) named for
 * the client in its directory, opened without waiting, so a client that died, never opened
 * its FIFO, stopped reading, or sent garbage never stalls the server or anyone else: such
 * requests are dropped and logged ({@link ServerOptions#log}).
 *
 * <p><b>Stopping.</b> {@link #close()} stops gracefully: {@code server.fifo} is removed (new
 * clients see no server), every request already written is still read and answered, in-flight
 * requests finish (each within its deadline), then the lock is released. {@code close()}
 * blocks until all that is done; {@link #shutdown()} starts it without waiting. Do not call
 * {@code close()} from inside a handler (it would wait for itself).
 */
public final class FifoServer implements AutoCloseable {
    private final ServerDirectory directory;
    private final Stat identity;
    private final FifoReader reader;
    private final FifoWriter wake;
    private final byte[] token;
    private final ServerContext ctx;
    private final int maxInFlight;
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Thread acceptor;
    private volatile boolean stopSeen;
    private volatile IOException failure;

    private FifoServer(ServerDirectory directory, Path serverFifo, Stat identity, FifoReader reader, FifoWriter wake,
                       RequestHandler handler, ServerOptions options, ServerLog log) throws FifoException {
        this.directory = directory;
        this.identity = identity;
        this.reader = reader;
        this.wake = wake;
        this.token = new byte[16];
        new SecureRandom().nextBytes(token);
        this.maxInFlight = options.maxInFlight();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fifokit-server-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        int maxPayload = reader.pipeBuf() - ServerProtocol.HEADER_BYTES;
        this.ctx = new ServerContext(directory.path(), serverFifo, maxPayload, options.requestDeadline(),
                handler, timer, log, new Semaphore(maxInFlight));
        this.acceptor = Thread.ofPlatform().name("fifokit-server " + directory.path()).unstarted(this::accept);
    }

    /** {@link #bind(Path, RequestHandler, ServerOptions)} with the default options. */
    public static FifoServer bind(Path dir, RequestHandler handler) throws IOException {
        return bind(dir, handler, ServerOptions.defaults());
    }

    /**
     * Starts a server on {@code dir}; it serves until {@link #close()}. Does not block.
     *
     * @throws ServerBusyException another server already serves {@code dir}
     * @throws FifoException       {@code dir} is not a directory, is a symlink, is owned by
     *                             someone else or cannot be created; {@code server.fifo}
     *                             exists and is not a FIFO; or the FIFO cannot be created
     */
    public static FifoServer bind(Path dir, RequestHandler handler, ServerOptions options) throws IOException {
        java.util.Objects.requireNonNull(handler, "handler");
        ServerLog log = new ServerLog(options.log());
        ServerDirectory d = ServerDirectory.claim(dir, log::line);
        Path path = ServerProtocol.serverFifo(dir);
        // made under a private name and renamed into place once it is being read, so a client
        // never finds a server.fifo that nobody reads yet
        Path fresh = dir.resolve("." + ServerProtocol.SERVER_FIFO + "." + ProcessHandle.current().pid() + ".new");
        FifoReader reader = null;
        FifoWriter wake = null;
        boolean moved = false;
        try {
            removeStale(path, log);
            removeUnfinished(dir);
            Fifo.create(fresh, options.fifoMode()).keep().close();
            reader = FifoReader.open(fresh, OpenOptions.defaults().keepAlive());
            wake = FifoWriter.open(fresh, OpenOptions.defaults().failIfNoReader());
            Stat identity = Stat.of(reader.descriptor());
            if (!identity.ok()) {
                throw Errors.of(fresh, identity.errno(), "fstat");
            }
            try {
                Files.move(fresh, path, StandardCopyOption.ATOMIC_MOVE);
                moved = true;
            } catch (IOException e) {
                throw new FifoException(path, "cannot move the new server FIFO into place: " + e.getMessage(), e);
            }
            FifoServer server = new FifoServer(d, path, identity, reader, wake, handler, options, log);
            server.acceptor.start();
            d = null;
            return server;
        } finally {
            if (d != null) {
                closeQuietly(wake);
                closeQuietly(reader);
                Fifos.unlink(moved ? path : fresh);
                d.close();
            }
        }
    }

    /** FIFOs a server made and never moved into place (it died while binding); we hold the lock. */
    private static void removeUnfinished(Path dir) throws IOException {
        String prefix = "." + ServerProtocol.SERVER_FIFO + ".";
        try (var files = Files.newDirectoryStream(dir, prefix + "*.new")) {
            for (Path p : files) {
                Stat s = Stat.of(p.toString(), false);
                if (s.isFifo()) {
                    Fifos.unlink(p);
                }
            }
        }
    }

    private static void removeStale(Path path, ServerLog log) throws FifoException {
        Stat s = Stat.of(path.toString(), false);
        if (!s.ok()) {
            return;
        }
        if (!s.isFifo()) {
            throw s.isSymlink()
                    ? new dev.fifokit.SymlinkException(path, "exists and is a symbolic link; remove it to serve here")
                    : Errors.notAFifo(path, s.mode());
        }
        int r = Fifos.unlink(path);
        if (r < 0 && r != -Errors.ENOENT) {
            throw Errors.of(path, -r, "remove the stale server FIFO");
        }
        log.line(path + ": removed a stale server FIFO (its server stopped without removing it)");
    }

    /** The directory this server owns. */
    public Path directory() {
        return ctx.directory();
    }

    /** {@code <directory>/server.fifo}. */
    public Path serverFifo() {
        return ctx.serverFifo();
    }

    /** The largest request or reply frame payload: PIPE_BUF - 16 (4080 on Linux). */
    public int maxPayload() {
        return ctx.maxPayload();
    }

    /** Requests being handled right now. */
    public int inFlight() {
        return maxInFlight - ctx.inFlight().availablePermits();
    }

    /** Counters so far. */
    public ServerStats stats() {
        return ctx.log().snapshot();
    }

    /** True until the server has stopped completely. */
    public boolean isRunning() {
        return terminated.getCount() > 0;
    }

    /** Why the server stopped by itself (its FIFO failed), or null. */
    public IOException failure() {
        return failure;
    }

    /**
     * Starts a graceful stop and returns at once: {@code server.fifo} is removed, requests
     * already written are still answered. May block briefly while {@code server.fifo} is full.
     */
    public void shutdown() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        unlinkServerFifo();
        try {
            // a marker behind every request already written: the reader stops once it sees it
            MessageWriter.of(wake, Framing.MESG, MessageOptions.defaults().maxPayload(token.length)).send(0, token);
        } catch (IOException e) {
            closeQuietly(reader); // the reader is gone already: make sure it stops
        }
    }

    /** Waits until the server has stopped (after {@link #shutdown()}, {@link #close()} or a failure). */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** Waits at most {@code timeout}; true when the server has stopped. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops gracefully and waits until every in-flight request is finished, {@code server.fifo}
     * is gone and the directory lock is released. Blocks at most about the request deadline.
     */
    @Override
    public void close() {
        shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                terminated.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept() {
        try {
            RequestReader requests = new RequestReader(new Inbox(reader), ctx.maxPayload(), ctx.serverFifo(), ctx.log());
            RequestReader.FrameSink sink = new RequestReader.FrameSink() {
                @Override
                public boolean plausible(Message m) {
                    return FifoServer.this.plausible(m);
                }

                @Override
                public void frame(Message m) throws InterruptedException {
                    FifoServer.this.frame(m);
                }
            };
            while (!stopSeen) {
                requests.readBurst(sink);
            }
            while (requests.pending()) {
                requests.readBurst(sink);
            }
        } catch (FifoClosedException e) {
            if (!stopping.get()) {
                fail(e);
            }
        } catch (IOException e) {
            fail(e);
        } catch (InterruptedException e) {
            fail(new FifoException(ctx.serverFifo(), "server thread interrupted", e));
        } catch (RuntimeException | Error e) {
            fail(new FifoException(ctx.serverFifo(), "server thread failed: " + e, e));
        } finally {
            terminate();
        }
    }

    private boolean isStopMarker(Message m) {
        return m.type() == 0 && stopping.get() && Arrays.equals(m.payload(), token);
    }

    private boolean plausible(Message m) {
        return ServerProtocol.isClientId(m.type()) || isStopMarker(m);
    }

    private void frame(Message m) throws InterruptedException {
        if (isStopMarker(m)) {
            stopSeen = true;
            return;
        }
        long id = m.type();
        ctx.inFlight().acquire();
        ctx.log().received.incrementAndGet();
        try {
            Thread.ofVirtual().name("fifokit-request-" + id).start(new RequestRun(ctx, id, m.payload()));
        } catch (RuntimeException | Error e) {
            ctx.finished();
            throw e;
        }
    }

    private void fail(IOException e) {
        failure = e;
        ctx.log().line(e.getMessage() + " (the server stops)");
    }

    private void terminate() {
        stopping.set(true);
        unlinkServerFifo();
        closeQuietly(reader);
        closeQuietly(wake);
        ctx.inFlight().acquireUninterruptibly(maxInFlight);
        ctx.inFlight().release(maxInFlight);
        timer.shutdownNow();
        try {
            directory.close();
        } catch (IOException e) {
            ctx.log().line(directory.path() + ": cannot release the lock: " + e.getMessage());
        }
        terminated.countDown();
    }

    /** Removes server.fifo if the name still is our FIFO. */
    private void unlinkServerFifo() {
        Path path = ctx.serverFifo();
        Stat now = Stat.of(path.toString(), false);
        if (now.ok() && now.sameFile(identity)) {
            int r = Fifos.unlink(path);
            if (r < 0 && r != -Errors.ENOENT) {
                ctx.log().line(Errors.of(path, -r, "remove").getMessage());
            }
        }
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // closing our own end
        }
    }

    @Override
    public String toString() {
        return "FifoServer[" + directory.path() + (isRunning() ? "" : ", stopped") + "]";
    }
}
