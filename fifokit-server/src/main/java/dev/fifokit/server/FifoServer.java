package dev.fifokit.server;

import dev.fifokit.FifoException;
import dev.fifokit.NotAFifoException;
import dev.fifokit.SymlinkException;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.files.Fifo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request/response server over FIFOs: Stevens' "one server, many clients", where
 * clients send requests into the well-known {@code server.fifo} and each gets its reply in
 * its own {@code client.<pid>.fifo}. The wire protocol is in
 * <a href="https://github.com/fifokit/fifokit/blob/main/docs/server-protocol.md">docs/server-protocol.md</a>.
 *
 * <pre>{@code
 * try (FifoServer server = FifoServer.bind(Path.of("/run/me/upper"),
 *         RequestHandler.replying((bytes, client) -> new String(bytes, UTF_8).toUpperCase().getBytes(UTF_8)))) {
 *     server.awaitTermination();   // until another thread calls close()
 * }
 * }</pre>
 *
 * <p><b>Binding</b> creates the directory (0700, or 1733 when {@linkplain ServerOptions#shared(boolean)
 * shared}) when missing, else requires a directory owned by this user; takes the lock on
 * {@code server.lock} (a second server on the same directory fails with
 * {@link ServerBusyException}, and the lock dies with its process); replaces a stale
 * {@code server.fifo} left by a crashed server; and starts reading.
 *
 * <p><b>Serving.</b> One thread reads {@code server.fifo} (kept open for writing too, so
 * clients coming and going never cause end of stream). Each request runs on its own virtual
 * thread; at most {@link ServerOptions#maxInFlight(int)} handlers run at once, each bounded
 * by {@link ServerOptions#requestDeadline(Duration)}. The server writes a reply only into a
 * FIFO with one name, owned by the right user (never a symlink, a hard link or a regular
 * file), opened without waiting, and every write to it waits at most
 * {@link ServerOptions#clientStall(Duration)}; so a client that died, never opened its FIFO,
 * stopped reading, or sent garbage costs only its own request and never stalls the server or
 * anyone else. What is discarded is logged ({@link ServerOptions#log}), at most a line per
 * kind per second.
 *
 * <p><b>Stopping.</b> {@link #close()} stops gracefully: {@code server.fifo} is removed (new
 * clients see no server); requests already queued in the pipe at that moment are still read
 * and answered (whatever clients write afterwards is not: they get a broken pipe); requests in
 * flight have the {@linkplain ServerOptions#gracePeriod(Duration) grace period} to finish,
 * then get an error reply; then the lock is released and {@code server.lock} removed. The stop
 * is a flag, and the reading thread is woken by closing its descriptor (a second descriptor of
 * the same pipe, opened first, reads what was queued); never a message through the FIFO that
 * clients write, so nothing a client sends can delay or swallow it: it ends within the grace
 * period plus half a second. {@code close()} blocks until then; {@link #shutdown()} starts it without waiting.
 * A handler that ignores its interrupt may still be running after that (it holds its slot).
 * Do not call {@code close()} from inside a handler (it would wait for itself).
 */
public final class FifoServer implements AutoCloseable {
    /** The most bytes one pass reads before the reading thread looks at the stop flag again. */
    private static final long PASS_BYTES = 1 << 20;
    /** After the grace period: how long aborted requests get to write their error reply. */
    private static final long FINAL_NANOS = 500_000_000L;

    private final ServerDirectory directory;
    private final FileFacts identity;
    private final FifoReader reader;
    /** The reading descriptor's number, taken while it is surely open (the stop reopens the pipe through it). */
    private final int readerFd;
    private final ServerContext ctx;
    private final int maxInFlight;
    private final long graceNanos;
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Thread acceptor;
    private volatile long graceEnd = Long.MAX_VALUE;
    /** A second read descriptor of server.fifo, opened by the stop: what was queued is read from it. */
    private volatile FifoReader drain;
    /** Set when the server FIFO was inherited: it belongs to whoever made it and is never removed. */
    private final boolean adopted;
    /** For an inherited FIFO: our own writer, so clients coming and going never cause end of stream. */
    private final FifoWriter keepAlive;
    private volatile IOException failure;

    private FifoServer(ServerDirectory directory, Path serverFifo, FileFacts identity, FifoReader reader,
                       FifoWriter keepAlive, RequestHandler handler, ServerOptions options, ServerLog log) throws FifoException {
        this.directory = directory;
        this.adopted = keepAlive != null;
        this.keepAlive = keepAlive;
        this.identity = identity;
        this.reader = reader;
        this.readerFd = reader.descriptor();
        this.maxInFlight = options.maxInFlight();
        this.graceNanos = options.gracePeriod().toNanos();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fifokit-server-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        int maxPayload = reader.pipeBuf() - ServerProtocol.HEADER_BYTES;
        Integer owner = options.isShared() ? null : directory.owner();
        this.ctx = new ServerContext(directory.path(), serverFifo, maxPayload, options, owner, timer, handler, log,
                directory::onlyOwnerWrites);
        this.acceptor = Thread.ofPlatform().name("fifokit-server " + directory.path()).unstarted(this::accept);
    }

    /**
     * {@link #bind(Path, RequestHandler, ServerOptions)} with the default options. Does not block.
     *
     * @param dir     the server directory; created (0700) when missing
     * @param handler runs for each request
     * @return the running server
     * @throws ServerBusyException another server already serves {@code dir}
     * @throws IOException         {@code dir} or its files fail the checks of that method
     */
    public static FifoServer bind(Path dir, RequestHandler handler) throws IOException {
        return bind(dir, handler, ServerOptions.defaults());
    }

    /**
     * Starts a server on {@code dir}; it serves until {@link #close()}. Does not block.
     *
     * @param dir     the server directory; created (0700, or 1733 when shared) when missing,
     *                else it must be a directory owned by this user
     * @param handler runs for each request, on the request's own virtual thread
     * @param options limits, timeouts, sharing, FIFO mode and log
     * @return the running server
     * @throws ServerBusyException another server already serves {@code dir}
     * @throws FifoException       {@code dir} is not a directory, is a symlink, is owned by
     *                             someone else or cannot be created; {@code server.fifo} or
     *                             {@code server.lock} exists and is unusable; or the FIFO
     *                             cannot be created
     */
    public static FifoServer bind(Path dir, RequestHandler handler, ServerOptions options) throws IOException {
        java.util.Objects.requireNonNull(handler, "handler");
        ServerLog log = new ServerLog(options.log());
        ServerDirectory d = ServerDirectory.claim(dir, options.isShared(), log::line);
        Path path = ServerProtocol.serverFifo(dir);
        // made under a private name and renamed into place once it is being read, so a client
        // never finds a server.fifo that nobody reads yet
        Path fresh = dir.resolve("." + ServerProtocol.SERVER_FIFO + "." + ProcessHandle.current().pid() + ".new");
        FifoReader reader = null;
        boolean moved = false;
        try {
            removeStale(path, log);
            removeUnfinished(dir);
            Fifo.create(fresh, options.fifoMode()).keep().close();
            reader = FifoReader.open(fresh, ReaderOptions.defaults().keepAlive());
            FileFacts identity = FileFacts.ofDescriptor(reader.descriptor());
            if (!identity.isFifo() || identity.nlink() != 1 || identity.uid() != d.owner()) {
                throw new FifoException(fresh, "the new server FIFO was replaced while it was being opened");
            }
            try {
                Files.move(fresh, path, StandardCopyOption.ATOMIC_MOVE);
                moved = true;
            } catch (IOException e) {
                throw new FifoException(path, "cannot move the new server FIFO into place: " + e.getMessage(), e);
            }
            FifoServer server = new FifoServer(d, path, identity, reader, null, handler, options, log);
            server.acceptor.start();
            d = null;
            return server;
        } finally {
            if (d != null) {
                closeQuietly(reader);
                Files.deleteIfExists(moved ? path : fresh);
                d.close();
            }
        }
    }

    /**
     * Starts a server on a {@code server.fifo} this process inherited already open for reading:
     * a service manager's socket-activation descriptor ({@link dev.fifokit.ends.ListenFds}) or a
     * parent's {@code exec 3<>dir/server.fifo}, adopted with
     * {@link dev.fifokit.ends.Inherited#reader(int)}. The server directory is the FIFO's own
     * directory. The FIFO is not created, replaced or removed: it belongs to whoever made it, and
     * requests that arrive after a stop wait in it for the next server. Everything else is as for
     * {@link #bind(Path, RequestHandler, ServerOptions)}: the lock, reply FIFOs, the stop. The
     * server owns {@code serverFifo} from then on and closes it when it stops. Does not block.
     *
     * <p>Checked before anything is served: the reader's FIFO must still be named
     * {@code server.fifo} in that directory (same device and inode, one name, not a symlink),
     * owned by the directory's owner or by root, and the directory must pass the checks of
     * {@code bind}. A reader without a path (an anonymous pipe, or no {@code /proc} to learn the
     * path from) cannot say where the reply FIFOs are and is refused.
     *
     * @param serverFifo the inherited reader of {@code server.fifo}; the server owns it from
     *                   now on
     * @param handler    runs for each request, on the request's own virtual thread
     * @param options    limits, timeouts, sharing and log (the FIFO's mode is left as it is)
     * @return the running server
     * @throws ServerBusyException another server already serves that directory
     * @throws FifoException       the reader is not a FIFO's, its path is unknown, not named
     *                             {@code server.fifo}, or no longer names the same FIFO; or the
     *                             directory fails the checks of {@code bind}
     */
    public static FifoServer adopt(FifoReader serverFifo, RequestHandler handler, ServerOptions options) throws IOException {
        java.util.Objects.requireNonNull(handler, "handler");
        Path path = serverFifo.path();
        if (path == null || path.getParent() == null) {
            throw new FifoException(path, "an inherited server FIFO must have a known path (a FIFO, with /proc mounted):"
                    + " the reply FIFOs are in its directory");
        }
        if (!path.getFileName().toString().equals(ServerProtocol.SERVER_FIFO)) {
            throw new FifoException(path, "an inherited server FIFO must be named " + ServerProtocol.SERVER_FIFO
                    + " (clients find the server by that name)");
        }
        Path dir = path.getParent();
        ServerLog log = new ServerLog(options.log());
        ServerDirectory d = ServerDirectory.claim(dir, options.isShared(), log::line);
        FifoWriter keepAlive = null;
        try {
            FileFacts identity = FileFacts.ofDescriptor(serverFifo.descriptor());
            FileFacts named = FileFacts.ofPath(path);
            if (!identity.isFifo()) {
                throw new NotAFifoException(path, "the inherited descriptor is not a FIFO's");
            }
            if (named == null || !named.sameFile(identity)) {
                throw new FifoException(path, "no longer names the FIFO that was inherited (removed or replaced)");
            }
            if (identity.nlink() != 1 || (identity.uid() != d.owner() && identity.uid() != 0)) {
                throw new FifoException(path, "has other names or is owned by someone else (uid "
                        + Integer.toUnsignedString(identity.uid()) + "); refusing to serve it");
            }
            // our own writer, opened through the path we just checked: never an end of stream
            keepAlive = FifoWriter.open(path, WriterOptions.defaults().failIfNoReader());
            if (!FileFacts.ofDescriptor(keepAlive.descriptor()).sameFile(identity)) {
                throw new FifoException(path, "was replaced while the server was starting");
            }
            FifoServer server = new FifoServer(d, path, identity, serverFifo, keepAlive, handler, options, log);
            server.acceptor.start();
            d = null;
            keepAlive = null;
            return server;
        } finally {
            if (d != null) {
                closeQuietly(keepAlive);
                d.close();
            }
        }
    }

    /** Files a server made and never moved into place (it died while binding); we hold the lock and own the directory. */
    private static void removeUnfinished(Path dir) throws IOException {
        String prefix = "." + ServerProtocol.SERVER_FIFO + ".";
        try (var files = Files.newDirectoryStream(dir, prefix + "*.new")) {
            for (Path p : files) {
                FileFacts s = FileFacts.ofPath(p);
                if (s != null && (s.mode() & 0170000) != 0040000) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void removeStale(Path path, ServerLog log) throws IOException {
        FileFacts s = FileFacts.ofPath(path);
        if (s == null) {
            return;
        }
        if ((s.mode() & 0170000) == 0120000) {
            throw new SymlinkException(path, "exists and is a symbolic link; remove it to serve here");
        }
        if (!s.isFifo()) {
            throw new NotAFifoException(path, "exists and is not a FIFO; remove it to serve here");
        }
        Files.deleteIfExists(path);
        log.line(path + ": removed a stale server FIFO (its server stopped without removing it)");
    }

    /** {@return the directory this server owns} */
    public Path directory() {
        return ctx.directory;
    }

    /** {@return the path of the server's well-known FIFO, {@code <directory>/server.fifo}} */
    public Path serverFifo() {
        return ctx.serverFifo;
    }

    /** {@return the largest request or reply frame payload in bytes: PIPE_BUF - 16 (4080 on Linux)} */
    public int maxPayload() {
        return ctx.maxPayload;
    }

    /**
     * {@return how many handlers run right now (including ones past their deadline that have
     * not ended yet), from 0 to {@link ServerOptions#maxInFlight()}}
     */
    public int inFlight() {
        return maxInFlight - ctx.slots.availablePermits();
    }

    /**
     * {@return how many requests were read and are not over yet: waiting for a slot, running,
     * or having their reply delivered}
     */
    public int admitted() {
        return ctx.maxAdmitted - ctx.admitted.availablePermits();
    }

    /** {@return a snapshot of the server's counters so far} */
    public ServerStats stats() {
        return ctx.log.snapshot();
    }

    /** {@return true until the server has stopped completely} */
    public boolean isRunning() {
        return terminated.getCount() > 0;
    }

    /**
     * {@return why the server stopped by itself (its FIFO failed, or its reading thread did),
     * or {@code null} when that has not happened}
     */
    public IOException failure() {
        return failure;
    }

    /**
     * Starts a graceful stop and returns at once: {@code server.fifo} is removed, requests
     * already queued are still answered, the grace period starts. Never blocks.
     */
    public void shutdown() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        long now = System.nanoTime();
        graceEnd = now + graceNanos;
        ctx.hardStop = now + graceNanos + FINAL_NANOS;
        unlinkServerFifo();
        // the wake-up: the reading thread's descriptor is closed (its read returns at once);
        // a second descriptor of the same pipe, opened first, keeps what is queued readable
        try {
            FifoReader d = FifoReader.open(Path.of("/proc/self/fd/" + readerFd),
                    ReaderOptions.defaults().followSymlinks().awaitWriter(false));
            if (FileFacts.ofDescriptor(d.descriptor()).sameFile(identity)) {
                drain = d;
            } else {
                closeQuietly(d);
                ctx.log.line(ctx.serverFifo + ": requests still queued are not read: the reading descriptor is gone");
            }
        } catch (IOException e) {
            ctx.log.line(ctx.serverFifo + ": requests still queued are not read: " + e.getMessage());
        }
        closeQuietly(reader);
    }

    /**
     * Waits until the server has stopped (after {@link #shutdown()}, {@link #close()} or a failure).
     *
     * @throws InterruptedException the waiting thread was interrupted (the server goes on)
     */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /**
     * Waits at most {@code timeout} for the server to stop.
     *
     * @param timeout the longest wait; zero or negative checks once without waiting
     * @return true when the server has stopped
     * @throws InterruptedException the waiting thread was interrupted (the server goes on)
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops gracefully and waits until the requests in flight are over, {@code server.fifo} and
     * {@code server.lock} are gone and the lock is released. Blocks at most the grace period plus
     * half a second.
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
        RequestReader requests = new RequestReader(reader, ctx.maxPayload, ctx.serverFifo, ctx.log,
                RequestReader.replyFifoCheck(ctx.directory));
        java.util.concurrent.ScheduledFuture<?> flusher = timer.scheduleWithFixedDelay(() -> ctx.log.flushHeld(false),
                1, 1, TimeUnit.SECONDS);
        try {
            try {
                while (!stopping.get()) {
                    if (requests.buffered() == 0) {
                        requests.fillBlocking();
                    }
                    if (!requests.pass(this::frame, PASS_BYTES, false)) {
                        break;
                    }
                }
            } catch (IOException e) {
                if (!stopping.get()) {
                    throw e;
                }
                // the stop closed our descriptor: go on below
            }
            // what was queued when the stop came is still read (at most a pipe's capacity);
            // whatever arrives later is not: a flooding client cannot make the stop wait
            FifoReader d = drain;
            if (d != null) {
                requests.switchTo(d);
                requests.pass(this::frame, d.available());
            }
        } catch (IOException e) {
            fail(e);
        } catch (InterruptedException e) {
            fail(new FifoException(ctx.serverFifo, "server thread interrupted", e));
        } catch (RuntimeException | Error e) {
            fail(new FifoException(ctx.serverFifo, "server thread failed: " + e, e));
        } finally {
            flusher.cancel(false);
            terminate();
        }
    }

    private boolean frame(long type, byte[] payload) throws InterruptedException {
        RequestRun.Ticket ticket = ticket(type, payload);
        if (ticket == null) {
            return true;
        }
        ctx.log.received.incrementAndGet();
        if (!ctx.admit(ticket)) {
            // every admission taken and the queue full: say so at once rather than stop reading
            ctx.start(new RequestRun(ctx, ticket, "the server is busy (" + ctx.maxPending
                    + " requests waiting); try again"));
        }
        return true;
    }

    /** The request a frame stands for, or null (counted and logged) when it is none this server accepts. */
    private RequestRun.Ticket ticket(long type, byte[] payload) {
        if (ServerProtocol.isClientId(type)) {
            if (ctx.shared) {
                invalid("a shared server accepts only token-form requests (a pid-named reply FIFO could be anyone's)", type);
                return null;
            }
            return new RequestRun.Ticket(type, ServerProtocol.clientFifoName(type), payload, payload.length, null);
        }
        long pid = type - ServerProtocol.TOKEN_FORM;
        if (payload.length < ServerProtocol.TICKET_BYTES) {
            invalid("a token-form request shorter than its " + ServerProtocol.TICKET_BYTES + "-byte ticket", pid);
            return null;
        }
        byte[] token = java.util.Arrays.copyOf(payload, ServerProtocol.TOKEN_BYTES);
        long length = ByteBuffer.wrap(payload, ServerProtocol.TOKEN_BYTES, 8).order(ByteOrder.nativeOrder()).getLong();
        int inline = payload.length - ServerProtocol.TICKET_BYTES;
        if (length == inline) {
            return new RequestRun.Ticket(pid, ServerProtocol.replyFifoName(token),
                    java.util.Arrays.copyOfRange(payload, ServerProtocol.TICKET_BYTES, payload.length), length, null);
        }
        if (inline == 0 && length > 0) {
            return new RequestRun.Ticket(pid, ServerProtocol.replyFifoName(token), null, length,
                    ServerProtocol.requestFifoName(token));
        }
        invalid("a token-form request whose body length (" + length + ") does not match", pid);
        return null;
    }

    private void invalid(String why, long pid) {
        ctx.log.invalidFrames.incrementAndGet();
        ctx.log.event("invalid", ctx.serverFifo + ": discarded a request from client " + pid + ": " + why);
    }

    private void fail(IOException e) {
        failure = e;
        ctx.log.line(e.getMessage() + " (the server stops)");
    }

    /** Ends everything within the grace period (plus the final half second), whatever clients do. */
    private void terminate() {
        if (stopping.compareAndSet(false, true)) {
            long now = System.nanoTime();
            graceEnd = now + graceNanos;
            ctx.hardStop = now + graceNanos + FINAL_NANOS;
        }
        unlinkServerFifo();
        closeQuietly(reader);
        closeQuietly(keepAlive);
        closeQuietly(drain); // clients writing from now on get a broken pipe
        if (!awaitAdmitted(graceEnd)) {
            String why = "the server is stopping (grace period of "
                    + dev.fifokit.Durations.format(Duration.ofNanos(graceNanos)) + " over)";
            for (RequestRun.Ticket t : ctx.drainPending()) {
                ctx.start(new RequestRun(ctx, t, why));
            }
            for (RequestRun r : ctx.runs) {
                r.abort(why);
            }
            if (!awaitAdmitted(ctx.hardStop)) {
                ctx.log.line(ctx.serverFifo + ": " + ctx.runs.size() + " request(s) still not over at the end of the stop; left behind");
            }
        }
        ctx.log.flushHeld(true);
        timer.shutdownNow();
        try {
            directory.close();
        } catch (IOException e) {
            ctx.log.line(directory.path() + ": cannot release the lock: " + e.getMessage());
        }
        terminated.countDown();
    }

    /** Waits until no request is queued or admitted (or {@code until}); true when none is. */
    private boolean awaitAdmitted(long until) {
        try {
            while (ctx.pendingCount() > 0 && System.nanoTime() - until < 0) {
                Thread.sleep(10);
            }
            long left = until - System.nanoTime();
            if (ctx.admitted.tryAcquire(ctx.maxAdmitted, Math.max(0, left), TimeUnit.NANOSECONDS)) {
                ctx.admitted.release(ctx.maxAdmitted);
                return ctx.pendingCount() == 0 && ctx.runs.isEmpty();
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Removes server.fifo if the name still is our FIFO (an inherited one is never removed). */
    private void unlinkServerFifo() {
        if (adopted) {
            return;
        }
        Path path = ctx.serverFifo;
        try {
            FileFacts now = FileFacts.ofPath(path);
            if (now != null && now.sameFile(identity)) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            ctx.log.line(path + ": cannot remove: " + e.getMessage());
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
