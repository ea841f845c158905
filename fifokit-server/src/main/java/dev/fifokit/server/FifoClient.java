package dev.fifokit.server;

import dev.fifokit.BrokenPipeException;
import dev.fifokit.Durations;
import dev.fifokit.FifoException;
import dev.fifokit.FifoExistsException;
import dev.fifokit.NoReaderException;
import dev.fifokit.NoSuchFifoException;
import dev.fifokit.NotAFifoException;
import dev.fifokit.PeerTimeoutException;
import dev.fifokit.SymlinkException;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.ReaderOptions;
import dev.fifokit.ends.WriterOptions;
import dev.fifokit.files.Fifo;
import dev.fifokit.messages.Framing;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageOptions;
import dev.fifokit.messages.MessageReader;
import dev.fifokit.messages.MessageWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of the request/response protocol: one request, one reply, under one deadline. Immutable and
 * thread-safe; each request creates and removes its own reply FIFO.
 *
 * <pre>{@code
 * byte[] reply = FifoClient.of(Path.of("/run/me/upper")).timeout(Duration.ofSeconds(5))
 *         .request("hello".getBytes(UTF_8));
 * }</pre>
 *
 * <p>A request: open {@code server.fifo} for writing without waiting (no server: fail at
 * once), create {@code client.<id>.fifo} (0600), open it for reading, write the request as one
 * {@code mesg} frame of type {@code id} (one atomic write), read reply frames until the end
 * marker, remove the FIFO. Every step is bounded by the {@linkplain #timeout(Duration)
 * timeout} (default 30 s).
 *
 * <p>A request over one frame (PIPE_BUF - 16 bytes), or any request to a shared server (its
 * directory has the sticky bit, or is another user's), uses the token form instead: the reply
 * FIFO is named by a random 128-bit token sent in the request, and a large body goes through
 * {@code request.<token>.fifo} after the one-frame ticket, so it never interleaves with other
 * clients' requests (see
 * <a href="https://github.com/fifokit/fifokit/blob/main/docs/server-protocol.md">docs/server-protocol.md</a>).
 *
 * <p><b>Client id.</b> By default the id is this process's pid, as the protocol wants for
 * separate processes. Requests that run at the same time need distinct ids, because the id
 * names the reply FIFO: in-process concurrent clients use {@link #id(long)} with
 * {@link #uniqueId()}, which gives ids above any pid this machine can have.
 *
 * <p><b>Hazard: retrying with the same id.</b> A reply carries no request number (the protocol
 * has none): it goes to whatever FIFO bears the id's name when the server gets to it. A request
 * that timed out may still be queued in {@code server.fifo}; if the same process then sends
 * another request with the same id, it can receive the old request's reply, and every later
 * reply one late. After a timeout, retry with a fresh id ({@link #uniqueId()}); separate
 * {@code fifokit request} processes are safe, as each has its own pid.
 *
 * <p><b>Errors.</b> {@link NoServerException} (no server: the CLI exits 3),
 * {@link PeerTimeoutException} (no complete reply in time: 124), {@link ErrorReplyException}
 * (the server answered with an error: 1), {@link IncompleteReplyException} (the reply ended
 * without its end marker, or the server stopped reading a large request's body), and the FIFO
 * errors of creating the reply FIFO.
 */
public final class FifoClient {
    /** Default deadline of a request, as {@code fifokit request} without {@code -t}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final AtomicLong NEXT = new AtomicLong();
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final Path directory;
    private final long id;
    private final Duration timeout;

    private FifoClient(Path directory, long id, Duration timeout) {
        this.directory = directory;
        this.id = id;
        this.timeout = timeout;
    }

    /**
     * A client of the server in {@code directory}, with this process's pid as its id.
     *
     * @param directory the server's directory, which holds {@code server.fifo}
     * @return a client with the default timeout ({@link #DEFAULT_TIMEOUT})
     */
    public static FifoClient of(Path directory) {
        return new FifoClient(Objects.requireNonNull(directory, "directory"), ProcessHandle.current().pid(),
                DEFAULT_TIMEOUT);
    }

    /**
     * Sends one request with this process's pid as the id and returns the reply data. Blocks up
     * to {@code timeout}.
     *
     * @param directory the server's directory, which holds {@code server.fifo}
     * @param request   the request body, any length (0 bytes or more)
     * @param timeout   the deadline for the whole request, more than zero
     * @return the reply data, all parts joined; empty when the server replied with no data
     * @throws NoServerException        no server reads {@code server.fifo} in the directory
     * @throws PeerTimeoutException      no complete reply came within the timeout
     * @throws ErrorReplyException       the server answered with an error
     * @throws IncompleteReplyException  the reply ended without its end marker, or the server
     *                                   stopped reading a large request's body
     * @throws IOException               the reply FIFO could not be created or read
     */
    public static byte[] request(Path directory, byte[] request, Duration timeout) throws IOException {
        return of(directory).timeout(timeout).request(request);
    }

    /**
     * A fresh client id for an in-process client: {@code pid << 24 | counter}, unique in this
     * JVM (until 16 million ids later) and never equal to a real pid (pids are below 2^22).
     *
     * @return a new id to pass to {@link #id(long)}
     */
    public static long uniqueId() {
        return (ProcessHandle.current().pid() << 24) | (NEXT.incrementAndGet() & 0xFF_FFFFL);
    }

    /**
     * The same client with another id (1 to {@link ServerProtocol#MAX_CLIENT_ID}); it is the
     * request's mesg_type and names the reply FIFO.
     *
     * @param clientId the new id, 1 to {@link ServerProtocol#MAX_CLIENT_ID}
     * @return a client that differs from this one only in its id
     * @throws IllegalArgumentException the id is out of that range
     */
    public FifoClient id(long clientId) {
        if (!ServerProtocol.isClientId(clientId)) {
            throw new IllegalArgumentException("client id out of range (1 to 2^48 - 1): " + clientId);
        }
        return new FifoClient(directory, clientId, timeout);
    }

    /**
     * The same client with another deadline for each whole request.
     *
     * @param limit the deadline of each request, from sending it to the end of its reply;
     *              more than zero
     * @return a client that differs from this one only in its timeout
     * @throws IllegalArgumentException {@code limit} is zero or negative
     */
    public FifoClient timeout(Duration limit) {
        Objects.requireNonNull(limit, "limit");
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + limit);
        }
        return new FifoClient(directory, id, limit);
    }

    /** {@return the server directory this client talks to} */
    public Path directory() {
        return directory;
    }

    /** {@return the id that names this client's reply FIFO} */
    public long id() {
        return id;
    }

    /** {@return how long a request may wait for its whole reply} */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Sends {@code request} and returns the reply's data, all parts joined. Blocks up to the timeout.
     *
     * @param request the request body, any length (0 bytes or more)
     * @return the reply data, all parts joined; empty when the server replied with no data
     * @throws NoServerException        no server reads {@code server.fifo} in the directory
     * @throws PeerTimeoutException      no complete reply came within the timeout
     * @throws ErrorReplyException       the server answered with an error
     * @throws IncompleteReplyException  the reply ended without its end marker, or the server
     *                                   stopped reading a large request's body
     * @throws IOException               the reply FIFO could not be created or read
     */
    public byte[] request(byte[] request) throws IOException {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        request(request, reply::writeBytes);
        return reply.toByteArray();
    }

    /**
     * Sends {@code request} and hands each data part to {@code parts} as it arrives. Returns
     * when the reply is complete; an error reply throws {@link ErrorReplyException} after any
     * data parts that came before the error were handed over. Blocks up to the timeout.
     *
     * @param request the request body, any length (0 bytes or more)
     * @param parts   gets each data part of the reply, in order, on the calling thread
     * @throws NoServerException        no server reads {@code server.fifo} in the directory
     * @throws PeerTimeoutException      no complete reply came within the timeout
     * @throws ErrorReplyException       the server answered with an error
     * @throws IncompleteReplyException  the reply ended without its end marker, or the server
     *                                   stopped reading a large request's body
     * @throws IOException               the reply FIFO could not be created or read
     */
    public void request(byte[] request, ReplyListener parts) throws IOException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(parts, "parts");
        Attempt attempt = new Attempt(System.nanoTime() + timeout.toNanos());
        ScheduledFuture<?> timer = Deadlines.after(timeout.toNanos(), attempt::expire);
        try {
            exchange(request, parts, attempt);
        } catch (IOException e) {
            if (attempt.expired) {
                throw timeoutError(attempt, e);
            }
            throw e;
        } finally {
            timer.cancel(false);
            attempt.closeAll();
        }
    }

    private void exchange(byte[] request, ReplyListener parts, Attempt attempt) throws IOException {
        Path serverFifo = ServerProtocol.serverFifo(directory);
        FifoWriter toServer = attempt.add(openServer(serverFifo));
        int max = toServer.pipeBuf() - ServerProtocol.HEADER_BYTES;
        boolean shared = isShared(directory);
        if (!shared && request.length <= max) {
            // the simple form: client.<id>.fifo, the id as the type, the request as the payload
            Path replyPath = ServerProtocol.clientFifo(directory, id);
            Fifo replyFifo = attempt.add(createReplyFifo(replyPath, ServerProtocol.CLIENT_FIFO_MODE, true));
            FifoReader in = attempt.add(replyFifo.openReader(ReaderOptions.defaults().awaitWriter(false)));
            send(toServer, serverFifo, id, request);
            readReply(in, replyPath, max + ServerProtocol.HEADER_BYTES, parts, attempt);
            return;
        }
        // the token form: secret names, and the body through a FIFO of its own when over a frame
        byte[] token = new byte[ServerProtocol.TOKEN_BYTES];
        RANDOM.nextBytes(token);
        Path replyPath = directory.resolve(ServerProtocol.replyFifoName(token));
        Fifo replyFifo = attempt.add(createReplyFifo(replyPath,
                shared ? ServerProtocol.SHARED_REPLY_FIFO_MODE : ServerProtocol.CLIENT_FIFO_MODE, false));
        FifoReader in = attempt.add(replyFifo.openReader(ReaderOptions.defaults().awaitWriter(false)));
        boolean inline = request.length <= max - ServerProtocol.TICKET_BYTES;
        Fifo bodyFifo = null;
        if (!inline) {
            Path bodyPath = directory.resolve(ServerProtocol.requestFifoName(token));
            bodyFifo = attempt.add(createReplyFifo(bodyPath,
                    shared ? ServerProtocol.SHARED_REQUEST_FIFO_MODE : ServerProtocol.CLIENT_FIFO_MODE, false));
        }
        ByteBuffer ticket = ByteBuffer.allocate(ServerProtocol.TICKET_BYTES + (inline ? request.length : 0))
                .order(ByteOrder.nativeOrder());
        ticket.put(token).putLong(request.length);
        if (inline) {
            ticket.put(request);
        }
        send(toServer, serverFifo, ServerProtocol.TOKEN_FORM + id, ticket.array());
        if (bodyFifo != null) {
            long left = attempt.deadline - System.nanoTime();
            if (left <= 0) {
                throw new dev.fifokit.FifoClosedException(directory, "request deadline passed");
            }
            try (FifoWriter body = attempt.add(bodyFifo.openWriter(WriterOptions.defaults().timeout(Duration.ofNanos(left))))) {
                body.write(request);
            } catch (BrokenPipeException e) {
                throw new IncompleteReplyException(bodyFifo.path(), "the server stopped reading the request body", e);
            }
        }
        readReply(in, replyPath, max + ServerProtocol.HEADER_BYTES, parts, attempt);
    }

    /** Sends one frame into server.fifo with one write(2), then closes it. */
    private static void send(FifoWriter toServer, Path serverFifo, long type, byte[] payload) throws IOException {
        try {
            MessageWriter out = MessageWriter.of(toServer, Framing.MESG);
            out.send(type, payload);
            out.flush();
        } catch (BrokenPipeException e) {
            throw new NoServerException(serverFifo, "the server stopped before the request was sent", e);
        }
        toServer.close();
    }

    /**
     * True when the server in {@code dir} is shared: its directory has the sticky bit or is not
     * ours. Then only the token form is accepted, and reply FIFOs must be writable by the server.
     */
    static boolean isShared(Path dir) throws IOException {
        try {
            java.util.Map<String, Object> a = java.nio.file.Files.readAttributes(dir, "unix:mode,uid");
            int mode = (Integer) a.get("mode");
            return (mode & 01000) != 0 || (Integer) a.get("uid") != euid();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new NoServerException(dir, "no server here (no such directory)", e);
        }
    }

    private void readReply(FifoReader in, Path replyPath, int frameBytes, ReplyListener parts, Attempt attempt)
            throws IOException {
        // Perf: reads of one largest frame (PIPE_BUF), not the default 64 KiB: a reply is
        // usually one frame plus the end marker, and 1000 requests in flight in one JVM kept
        // 64 MiB of read buffers alive for the garbage collector to copy
        MessageReader reader = MessageReader.of(in, Framing.MESG, MessageOptions.defaults().bufferBytes(frameBytes));
        ByteArrayOutputStream error = null;
        while (true) {
            Message m = reader.receive();
            if (m == null) {
                throw new IncompleteReplyException(replyPath, attempt.replyStarted
                        ? "the reply ended without its end marker (the server stopped or dropped the request)"
                        : "the server closed the reply without answering");
            }
            attempt.replyStarted = true;
            if (m.type() == ServerProtocol.TYPE_OK) {
                parts.part(m.payload());
            } else if (m.type() == ServerProtocol.TYPE_ERROR) {
                if (error == null) {
                    error = new ByteArrayOutputStream();
                }
                error.writeBytes(m.payload());
            } else if (m.type() == ServerProtocol.TYPE_END) {
                break;
            } else {
                throw new IncompleteReplyException(replyPath, "unexpected frame type " + m.type()
                        + " in the reply (expected 0 data, 1 error or 2 end)");
            }
        }
        if (error != null) {
            throw new ErrorReplyException(directory, error.toString(StandardCharsets.UTF_8));
        }
    }

    private static FifoWriter openServer(Path serverFifo) throws IOException {
        try {
            return FifoWriter.open(serverFifo, WriterOptions.defaults().failIfNoReader());
        } catch (NoSuchFifoException e) {
            throw new NoServerException(serverFifo, "no server here (no such FIFO)", e);
        } catch (NoReaderException e) {
            throw new NoServerException(serverFifo, "no server is reading it (its server stopped without removing it)", e);
        } catch (NotAFifoException | SymlinkException e) {
            throw new NoServerException(serverFifo, "not a server FIFO: " + e.reason(), e);
        }
    }

    /**
     * Creates a FIFO of this request; with {@code replace}, a FIFO of ours left at that name (a
     * dead process with our pid) is replaced.
     */
    private static Fifo createReplyFifo(Path path, int mode, boolean replace) throws IOException {
        try {
            return Fifo.create(path, mode);
        } catch (FifoExistsException e) {
            FileFacts s = FileFacts.ofPath(path);
            if (!replace || s == null || !s.isFifo() || s.uid() != euid()) {
                throw e;
            }
            java.nio.file.Files.deleteIfExists(path);
            return Fifo.create(path, mode);
        }
    }

    /** This process's effective uid (the owner of /proc/self). */
    private static int euid() throws IOException {
        return (Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    private PeerTimeoutException timeoutError(Attempt attempt, IOException cause) {
        String what = attempt.replyStarted ? "the reply did not end within " : "no reply within ";
        PeerTimeoutException t = new PeerTimeoutException(directory, PeerTimeoutException.Side.WRITER, timeout,
                what + Durations.format(timeout));
        t.addSuppressed(cause);
        return t;
    }

    /** The ends and files of one request; the deadline closes them all, which wakes any wait. */
    private static final class Attempt {
        private final List<AutoCloseable> open = new ArrayList<>();
        final long deadline;
        volatile boolean expired;
        volatile boolean replyStarted;

        Attempt(long deadline) {
            this.deadline = deadline;
        }

        synchronized <T extends AutoCloseable> T add(T c) throws IOException {
            if (expired) {
                closeQuietly(c);
                throw new dev.fifokit.FifoClosedException(null, "request deadline passed");
            }
            open.add(c);
            return c;
        }

        void expire() {
            expired = true;
            closeAll();
        }

        void closeAll() {
            List<AutoCloseable> all;
            synchronized (this) {
                all = new ArrayList<>(open);
            }
            // the reply FIFO (a Fifo) closes its reader and removes the file
            for (int i = all.size() - 1; i >= 0; i--) {
                closeQuietly(all.get(i));
            }
        }

        private static void closeQuietly(AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing our own ends and FIFO
            }
        }
    }

    @Override
    public String toString() {
        return "FifoClient[" + directory + ", id " + id + ", timeout " + Durations.format(timeout) + "]";
    }
}
