package dev.fifokit.bridge;

import dev.fifokit.FifoClosedException;
import dev.fifokit.FifoInterruptedException;
import dev.fifokit.messages.Message;
import dev.fifokit.messages.MessageOptions;

import javax.net.ssl.SSLContext;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Joins two ends: data flows from the {@code from} end to the {@code to} end. One end is local
 * (a FIFO, or standard input/output) and the other a socket (a TCP or Unix-domain listener or
 * connector), or both are local. Whether this side listens or dials is independent of the
 * direction: {@code fifo:IN tcp-listen:9000} serves the FIFO's messages to whoever connects,
 * {@code tcp:host:9000 fifo:OUT} fetches them.
 *
 * <pre>{@code
 * // host A: the FIFO's messages to every client that connects, over TLS
 * try (FifoBridge a = FifoBridge.builder(BridgeAddress.parse("fifo:/run/in.fifo"), BridgeAddress.parse("tcp-listen:9000"))
 *         .format(BridgeFormat.MESG)
 *         .tls(BridgeTls.pem(Path.of("a.crt"), Path.of("a.key")).trust(Path.of("ca.crt")).requireClientCertificate())
 *         .build().start()) {
 *     a.await();
 * }
 * }</pre>
 *
 * <p><b>Formats.</b> {@link BridgeFormat#MESG} and {@link BridgeFormat#LINE} read whole messages
 * from the source, number them and send each as a frame; the receiving side writes each to its
 * FIFO as one write(2) (atomic: the payload must fit PIPE_BUF - 16 unless the sink is declared
 * the FIFO's only writer), acknowledges it, and drops frames it has already written. The sender
 * keeps every unacknowledged message in a bounded replay buffer and sends it again after a
 * reconnect. {@link BridgeFormat#RAW} is a plain byte stream without acknowledgements. What is
 * guaranteed, exactly, is in
 * <a href="https://github.com/fifokit/fifokit/blob/main/docs/bridge.md">docs/bridge.md</a>.
 *
 * <p><b>Backpressure.</b> When the replay buffer is full (the far side is slow, stopped reading,
 * or unreachable), the sender stops reading its source, so the FIFO fills and its writers block.
 * Memory stays bounded by the replay limits.
 *
 * <p><b>Threads and blocking.</b> {@link #start()} binds a listener (so {@link #localPort()} is
 * known) and starts virtual threads; it does not wait for peers. {@link #await()} blocks until
 * the bridge ends: a connector ends when its source ends and the far side has acknowledged
 * everything (or, receiving, when the far side says its source ended); a listener runs until
 * closed. {@link #close()} stops everything from any thread: blocked reads, writes, opens and
 * connects end, listening sockets are closed (a Unix-domain socket file is removed), and the
 * threads are waited for, a few seconds at most.
 */
public final class FifoBridge implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Frames the receiver lets pass before it acknowledges even while more input is waiting. */
    private static final int ACK_EVERY = 64;

    private final BridgeAddress from;
    private final BridgeAddress to;
    private final BridgeFormat format;
    private final BridgeTls tlsConfig;
    private final boolean reconnect;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final int replayMessages;
    private final long replayBytes;
    private final boolean follow;
    private final MessageOptions messageOptions;
    private final Duration handshakeTimeout;
    private final int maxSessions;
    private final Consumer<String> log;

    private final byte[] instance = new byte[16];
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicInteger activeSessions = new AtomicInteger();
    private volatile IOException failure;
    private volatile boolean closed;
    private volatile boolean started;

    private SSLContext ssl;
    private Endpoints.Acceptor acceptor;
    private LocalEnds.MessageSource messageSource;
    private LocalEnds.MessageSink messageSink;
    private LocalEnds.RawSource rawSource;
    private LocalEnds.RawSink rawSink;

    /** Sender sessions by the far side's instance (a listener serves several). */
    private final Map<String, SenderSession> senders = new LinkedHashMap<>();
    /** Receiver state by the far side's instance. */
    private final Map<String, ReceiverState> receivers = new LinkedHashMap<>();
    private final ReentrantLock sessionsLock = new ReentrantLock();
    /** The highest replay-buffer peak of sessions that have ended (guarded by sessionsLock). */
    private long retiredPeak;

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong copied = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();

    private FifoBridge(Builder b) {
        this.from = b.from;
        this.to = b.to;
        this.format = b.format;
        this.tlsConfig = b.tls;
        this.reconnect = b.reconnect;
        this.backoffMin = b.backoffMin;
        this.backoffMax = b.backoffMax;
        this.replayMessages = b.replayMessages;
        this.replayBytes = b.replayBytes;
        this.follow = b.follow;
        MessageOptions o = MessageOptions.defaults();
        if (b.maxPayload >= 0) {
            o = o.maxPayload(b.maxPayload);
        }
        if (b.exclusiveWriter) {
            o = o.exclusiveWriter();
        }
        this.messageOptions = o;
        this.handshakeTimeout = b.handshakeTimeout;
        this.maxSessions = b.maxSessions;
        this.log = b.log;
        RANDOM.nextBytes(instance);
    }

    /**
     * A builder for a bridge that moves data from {@code from} to {@code to}.
     *
     * @throws NullPointerException either is null
     */
    public static Builder builder(BridgeAddress from, BridgeAddress to) {
        return new Builder(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to"));
    }

    /** Options of a {@link FifoBridge}; {@link #build()} checks them together. */
    public static final class Builder {
        private final BridgeAddress from;
        private final BridgeAddress to;
        private BridgeFormat format = BridgeFormat.RAW;
        private BridgeTls tls;
        private boolean plaintext;
        private boolean reconnect;
        private Duration backoffMin = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(30);
        private int replayMessages = 1024;
        private long replayBytes = 4L << 20;
        private boolean follow;
        private int maxPayload = -1;
        private boolean exclusiveWriter;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private int maxSessions = 1024;
        private Consumer<String> log = s -> { };

        private Builder(BridgeAddress from, BridgeAddress to) {
            this.from = from;
            this.to = to;
        }

        /** What crosses the link (default {@link BridgeFormat#RAW}). */
        public Builder format(BridgeFormat f) {
            this.format = Objects.requireNonNull(f, "format");
            return this;
        }

        /** TLS on the TCP end (see {@link BridgeTls}). */
        public Builder tls(BridgeTls t) {
            this.tls = Objects.requireNonNull(t, "tls");
            return this;
        }

        /**
         * Allows a TCP end without TLS on an address that is not loopback. Without this, a
         * plaintext TCP end must listen on, or dial, a loopback address only.
         */
        public Builder plaintext(boolean allow) {
            this.plaintext = allow;
            return this;
        }

        /**
         * A connector dials again when the link drops or cannot be made, with exponential
         * backoff (default off: the first failure ends the bridge). A listener always takes the
         * same peer back.
         */
        public Builder reconnect(boolean on) {
            this.reconnect = on;
            return this;
        }

        /** The first and the longest wait between two dials (default 100 ms and 30 s). */
        public Builder backoff(Duration first, Duration longest) {
            if (first.isNegative() || first.isZero() || longest.compareTo(first) < 0) {
                throw new IllegalArgumentException("backoff: need 0 < first <= longest, got " + first + ", " + longest);
            }
            this.backoffMin = first;
            this.backoffMax = longest;
            return this;
        }

        /**
         * The replay buffer: at most {@code messages} messages and about {@code bytes} payload
         * bytes (plus one message) held until acknowledged, per session (default 1024 and 4 MiB).
         */
        public Builder replayLimit(int messages, long bytes) {
            if (messages < 1 || bytes < 1) {
                throw new IllegalArgumentException("replay limit must be positive: " + messages + ", " + bytes);
            }
            this.replayMessages = messages;
            this.replayBytes = bytes;
            return this;
        }

        /**
         * A FIFO source keeps reading as writers come and go instead of ending when its last
         * writer closes (default off).
         */
        public Builder follow(boolean on) {
            this.follow = on;
            return this;
        }

        /**
         * The largest message payload (default PIPE_BUF - 16, so that each message is one atomic
         * write(2) on the far side). Both sides must agree: a receiver refuses a sender whose
         * maximum is above its own.
         */
        public Builder maxPayload(int bytes) {
            if (bytes < 0 || bytes > Wire.MAX_WIRE_PAYLOAD) {
                throw new IllegalArgumentException("maximum payload out of range (0.." + Wire.MAX_WIRE_PAYLOAD + "): " + bytes);
            }
            this.maxPayload = bytes;
            return this;
        }

        /**
         * The sink FIFO has no other writer: messages over PIPE_BUF are written in several
         * write(2) calls (not atomic, safe only without other writers), up to the maximum payload.
         */
        public Builder exclusiveWriter() {
            this.exclusiveWriter = true;
            return this;
        }

        /** How long a peer may take to connect through TLS and say hello (default 10 s). */
        public Builder handshakeTimeout(Duration limit) {
            this.handshakeTimeout = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /** A listener keeps the state of at most this many far sides (default 1024). */
        public Builder maxSessions(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("max sessions must be positive: " + n);
            }
            this.maxSessions = n;
            return this;
        }

        /** Where the bridge reports links coming and going and dropped input (default nowhere). */
        public Builder log(Consumer<String> sink) {
            this.log = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * Checks the options together.
         *
         * @throws IllegalArgumentException two socket ends or two listening ends; TLS on an end
         *         without TCP; plaintext TCP off loopback without {@link #plaintext(boolean)}; a
         *         TLS listener without a certificate; a client-certificate requirement without
         *         trusted certificates
         */
        public FifoBridge build() {
            if (!from.isLocal() && !to.isLocal()) {
                throw new IllegalArgumentException(from + " " + to + ": one end must be a FIFO (fifo:PATH) or - (standard input/output)");
            }
            if (from instanceof BridgeAddress.Stdio && to instanceof BridgeAddress.Stdio) {
                throw new IllegalArgumentException("- -: at least one end must be a FIFO or a socket");
            }
            BridgeAddress net = from.isLocal() ? to : from;
            boolean tcp = net instanceof BridgeAddress.Tcp || net instanceof BridgeAddress.TcpListen;
            if (tls != null && !tcp) {
                throw new IllegalArgumentException(net + ": TLS applies to tcp: and tcp-listen: ends only");
            }
            if (tcp && tls == null && !plaintext) {
                String host = net instanceof BridgeAddress.Tcp t ? t.host() : ((BridgeAddress.TcpListen) net).host();
                if (!BridgeAddress.isLoopback(host)) {
                    throw new IllegalArgumentException(net + ": plaintext TCP off the loopback interface: give TLS "
                            + "options, or allow plaintext explicitly (--plaintext)");
                }
            }
            if (tls != null && net instanceof BridgeAddress.TcpListen && !tls.hasIdentity()) {
                throw new IllegalArgumentException(net + ": a TLS listener needs a certificate and a key");
            }
            if (tls != null && tls.isRequireClientCertificate() && !(net instanceof BridgeAddress.TcpListen)) {
                throw new IllegalArgumentException(net + ": requiring client certificates applies to a listener");
            }
            return new FifoBridge(this);
        }
    }

    // ---- lifecycle ----

    /**
     * Builds TLS, binds a listening end and starts the bridge's threads. Returns at once.
     *
     * @return this bridge
     * @throws dev.fifokit.NoSuchFifoException a {@code fifo:} path does not exist
     * @throws dev.fifokit.NotAFifoException a {@code fifo:} path is not a FIFO
     * @throws BridgeException bad TLS material, or the listening address cannot be bound
     * @throws IllegalStateException already started
     */
    public FifoBridge start() throws IOException {
        if (started) {
            throw new IllegalStateException("the bridge is already started");
        }
        started = true;
        try {
            // a FIFO end must exist and be a FIFO now, not when the first peer comes
            for (BridgeAddress a : new BridgeAddress[]{from, to}) {
                if (a instanceof BridgeAddress.Fifo f) {
                    dev.fifokit.files.Fifo.existing(f.path()).close();
                }
            }
            if (tlsConfig != null) {
                ssl = tlsConfig.context();
            }
            if (format == BridgeFormat.RAW) {
                if (from.isLocal()) {
                    rawSource = LocalEnds.rawSource(from, follow);
                }
                if (to.isLocal()) {
                    rawSink = LocalEnds.rawSink(to);
                }
            } else {
                if (from.isLocal()) {
                    messageSource = LocalEnds.messageSource(from, format.framing(), messageOptions, follow, log);
                }
                if (to.isLocal()) {
                    messageSink = LocalEnds.messageSink(to, format.framing(), messageOptions);
                }
            }
            BridgeAddress net = from.isLocal() ? (to.isLocal() ? null : to) : from;
            if (net == null) {
                spawn("fifokit-bridge-local", this::runLocal);
            } else if (net.isListening()) {
                acceptor = Endpoints.listen(net, ssl, tlsConfig);
                log.accept(net + ": listening" + (acceptor.port() >= 0 ? " on port " + acceptor.port() : ""));
                spawn("fifokit-bridge-accept", this::acceptLoop);
            } else {
                spawn("fifokit-bridge-connect", () -> connectLoop(net));
            }
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The TCP port a {@code tcp-listen:} end is bound to (useful with port 0), else -1. */
    public int localPort() {
        Endpoints.Acceptor a = acceptor;
        return a == null ? -1 : a.port();
    }

    /**
     * Waits until the bridge ends (see the class comment).
     *
     * @throws IOException the failure that ended it: a link that dropped without
     *         {@link Builder#reconnect(boolean) reconnect}, a refusal by the far side, a FIFO error
     * @throws InterruptedException this thread was interrupted (the bridge goes on)
     */
    public void await() throws IOException, InterruptedException {
        done.await();
        IOException f = failure;
        if (f != null) {
            throw f;
        }
    }

    /**
     * Waits up to {@code limit}; true when the bridge has ended (its failure, if any, is
     * thrown as by {@link #await()}).
     *
     * @throws IOException as {@link #await()}
     * @throws InterruptedException as {@link #await()}
     */
    public boolean await(Duration limit) throws IOException, InterruptedException {
        if (!done.await(limit.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        IOException f = failure;
        if (f != null) {
            throw f;
        }
        return true;
    }

    /** True once the bridge has ended, by itself, by a failure or by {@link #close()}. */
    public boolean isDone() {
        return done.getCount() == 0;
    }

    /** The counters now. */
    public BridgeStats stats() {
        int msgs = 0;
        long bytes = 0;
        long peak;
        sessionsLock.lock();
        try {
            peak = retiredPeak;
            for (SenderSession s : senders.values()) {
                msgs += s.buffer.messages();
                bytes += s.buffer.bytes();
                peak = Math.max(peak, s.buffer.peakBytes());
            }
        } finally {
            sessionsLock.unlock();
        }
        return new BridgeStats(sent.get(), replayed.get(), delivered.get(), duplicates.get(), copied.get(),
                connections.get(), msgs, bytes, peak);
    }

    /**
     * Stops the bridge: closes the listener, every link and the local ends, interrupts and
     * waits (at most 5 s) for the bridge's threads. Messages still in the replay buffer are
     * dropped (the far side never acknowledged them). Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        if (acceptor != null) {
            acceptor.close();
        }
        for (Link l : links) {
            l.close();
        }
        closeLocalEnds();
        for (Thread t : threads) {
            t.interrupt();
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Thread t : threads) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                t.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        done.countDown();
    }

    private void closeLocalEnds() {
        if (messageSource != null) {
            messageSource.close();
        }
        if (messageSink != null) {
            messageSink.close();
        }
        if (rawSource != null) {
            rawSource.close();
        }
        if (rawSink != null) {
            rawSink.close();
        }
    }

    private void finish(IOException f) {
        if (f != null && failure == null && !closed) {
            failure = f;
        }
        if (done.getCount() > 0) {
            // local ends close at once so the far FIFO's reader sees end of file
            closeLocalEnds();
            if (acceptor != null) {
                acceptor.close();
            }
            for (Link l : links) {
                l.close();
            }
            done.countDown();
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private void spawn(String name, Body body) {
        Thread t = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                if (!closed) {
                    finish(e instanceof IOException io ? io : new BridgeException("bridge: " + e, e, true));
                }
            } finally {
                threads.remove(Thread.currentThread());
            }
        });
        threads.add(t);
        if (closed) {
            threads.remove(t);
            return;
        }
        t.start();
    }

    // ---- local to local ----

    private void runLocal() throws IOException {
        if (format == BridgeFormat.RAW) {
            long spliced = LocalEnds.spliceLocal(rawSource, rawSink);
            if (spliced >= 0) {
                copied.addAndGet(spliced);
                finish(null);
                return;
            }
            byte[] b = new byte[Link.BUFFER];
            for (int n; (n = rawSource.read(b, 0, b.length)) >= 0; ) {
                rawSink.write(b, 0, n);
                copied.addAndGet(n);
            }
        } else {
            for (Message m; (m = messageSource.next()) != null; ) {
                messageSink.deliver(m.type(), m.payload());
                delivered.incrementAndGet();
            }
        }
        finish(null);
    }

    // ---- connector ----

    private void connectLoop(BridgeAddress net) throws Exception {
        boolean sending = from.isLocal();
        SenderSession session = sending ? session("connector") : null;
        long wait = backoffMin.toNanos();
        while (!closed) {
            Link link = null;
            try {
                link = Endpoints.connect(net, ssl, handshakeTimeout);
                links.add(link);
                if (closed) {
                    return;
                }
                boolean finished;
                if (format == BridgeFormat.RAW) {
                    connections.incrementAndGet();
                    log.accept(net + ": connected");
                    wait = backoffMin.toNanos();
                    finished = sending ? sendRaw(link) : receiveRaw(link);
                } else {
                    link.readTimeout(handshakeTimeout);
                    Wire.Hello mine = hello(sending);
                    Wire.writeHello(link.out(), mine);
                    Wire.Hello peer = Wire.readHello(link.in(), net.toString());
                    String refusal = refusal(mine, peer);
                    if (refusal != null) {
                        throw new BridgeException(net + ": " + refusal, null, true);
                    }
                    link.readTimeout(null);
                    connections.incrementAndGet();
                    log.accept(net + ": connected");
                    wait = backoffMin.toNanos();
                    if (sending) {
                        finished = send(link, session);
                    } else {
                        ReceiverState st = receiverState("connector", peer.instanceHex());
                        st.lock.lock();
                        try {
                            finished = receive(link, st);
                        } finally {
                            st.lock.unlock();
                        }
                    }
                }
                if (finished) {
                    finish(null);
                    return;
                }
                throw new EOFException(net + ": the link dropped");
            } catch (LocalFailure e) {
                throw e.getCause();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                boolean fatal = e instanceof BridgeException b && b.isFatal();
                if (!reconnect || fatal) {
                    int lost = session == null ? 0 : session.buffer.messages();
                    throw lost > 0 && !(e.getMessage() != null && e.getMessage().contains("unacknowledged"))
                            ? new BridgeException(e.getMessage() + " (" + lost
                            + " messages read from the source were not acknowledged)", e, fatal) : e;
                }
                log.accept(Endpoints.describe(e) + "; dialling again in " + TimeUnit.NANOSECONDS.toMillis(wait) + " ms");
            } finally {
                if (link != null) {
                    link.close();
                    links.remove(link);
                }
            }
            Thread.sleep(Duration.ofNanos(wait));
            wait = Math.min(wait * 2, backoffMax.toNanos());
        }
    }

    // ---- listener ----

    private void acceptLoop() {
        while (!closed) {
            Link link;
            try {
                link = acceptor.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.accept("accept: " + Endpoints.describe(e));
                    finish(new BridgeException((from.isLocal() ? to : from) + ": accept failed: "
                            + Endpoints.describe(e), e, true));
                }
                return;
            }
            links.add(link);
            spawn("fifokit-bridge-peer", () -> serve(link));
        }
    }

    private void serve(Link link) {
        boolean sending = from.isLocal();
        try {
            if (format == BridgeFormat.RAW) {
                connections.incrementAndGet();
                log.accept(link + ": connected");
                activeSessions.incrementAndGet();
                boolean finished = false;
                try {
                    finished = sending ? sendRaw(link) : receiveRaw(link);
                } finally {
                    if (activeSessions.decrementAndGet() == 0 && finished && rawSink != null) {
                        rawSink.release();
                    }
                }
                return;
            }
            link.readTimeout(handshakeTimeout);
            Wire.Hello peer = Wire.readHello(link.in(), link.name());
            Wire.Hello mine = hello(sending);
            String refusal = refusal(mine, peer);
            if (refusal != null) {
                Wire.writeError(link.out(), refusal);
                log.accept(link + ": refused: " + refusal);
                return;
            }
            Wire.writeHello(link.out(), mine);
            link.readTimeout(null);
            connections.incrementAndGet();
            log.accept(link + ": connected");
            String key = peer.instanceHex();
            if (sending) {
                SenderSession s = session(key);
                if (s == null) {
                    return;
                }
                Link old = s.supersede(link);
                if (old != null) {
                    old.close();
                }
                if (send(link, s)) {
                    sessionsLock.lock();
                    try {
                        senders.remove(key);
                        retiredPeak = Math.max(retiredPeak, s.buffer.peakBytes());
                    } finally {
                        sessionsLock.unlock();
                    }
                }
            } else {
                ReceiverState st = receiverState(key, key);
                if (st == null) {
                    return;
                }
                Link old = st.supersede(link);
                if (old != null) {
                    old.close();
                }
                st.lock.lock();
                activeSessions.incrementAndGet();
                boolean finished = false;
                try {
                    finished = receive(link, st);
                } finally {
                    st.lock.unlock();
                    if (activeSessions.decrementAndGet() == 0 && finished) {
                        messageSink.release();
                    }
                }
            }
        } catch (LocalFailure e) {
            if (!closed) {
                finish(e.getCause());
            }
        } catch (IOException e) {
            if (!closed) {
                String m = Endpoints.describe(e);
                log.accept(m.startsWith(link.name()) ? m : link + ": " + m);
            }
        } finally {
            link.close();
            links.remove(link);
        }
    }

    // ---- handshake ----

    private Wire.Hello hello(boolean sending) throws IOException {
        int max;
        try {
            max = sending ? messageSource.maxPayload() : messageSink.maxPayload();
        } catch (IOException e) {
            throw new LocalFailure(e);
        }
        return new Wire.Hello(sending ? Wire.ROLE_SENDER : Wire.ROLE_RECEIVER, format, instance, max);
    }

    /** Why the two sides cannot work together, or null when they can. */
    private static String refusal(Wire.Hello mine, Wire.Hello peer) {
        if (mine.role() == peer.role()) {
            return mine.role() == Wire.ROLE_SENDER ? "both sides send data (each reads a FIFO); one must write a FIFO"
                    : "both sides receive data (each writes a FIFO); one must read a FIFO";
        }
        if (mine.format() != peer.format()) {
            Wire.Hello sender = mine.role() == Wire.ROLE_SENDER ? mine : peer;
            Wire.Hello receiver = mine.role() == Wire.ROLE_SENDER ? peer : mine;
            return "the sending side carries --format " + sender.format() + ", the receiving side --format "
                    + receiver.format();
        }
        Wire.Hello sender = mine.role() == Wire.ROLE_SENDER ? mine : peer;
        Wire.Hello receiver = mine.role() == Wire.ROLE_SENDER ? peer : mine;
        if (Integer.toUnsignedLong(sender.maxPayload()) > Integer.toUnsignedLong(receiver.maxPayload())) {
            return "the sending side reads messages up to " + Integer.toUnsignedString(sender.maxPayload())
                    + " bytes, the receiving side writes them whole only up to "
                    + Integer.toUnsignedString(receiver.maxPayload())
                    + " (give both the same --max-payload, or the receiver --exclusive)";
        }
        return null;
    }

    // ---- sessions ----

    /** The sender session for a far side; null (and logged) when the listener has too many. */
    private SenderSession session(String key) {
        sessionsLock.lock();
        try {
            SenderSession s = senders.get(key);
            if (s == null) {
                if (senders.size() >= maxSessions && !evict(senders)) {
                    log.accept("too many far sides (" + maxSessions + "): refusing a new one");
                    return null;
                }
                s = new SenderSession(new ReplayBuffer(replayMessages, replayBytes));
                senders.put(key, s);
            }
            return s;
        } finally {
            sessionsLock.unlock();
        }
    }

    /**
     * The receiver state for the sending side {@code senderInstance}; a connector keeps one
     * (keyed by {@code key}) and starts afresh when the listener's instance changed.
     */
    private ReceiverState receiverState(String key, String senderInstance) {
        sessionsLock.lock();
        try {
            ReceiverState st = receivers.get(key);
            if (st == null || !st.senderInstance.equals(senderInstance)) {
                if (st == null && receivers.size() >= maxSessions && !evict(receivers)) {
                    log.accept("too many far sides (" + maxSessions + "): refusing a new one");
                    return null;
                }
                st = new ReceiverState(senderInstance);
                receivers.put(key, st);
            }
            return st;
        } finally {
            sessionsLock.unlock();
        }
    }

    /** Drops the oldest state with no link and nothing unacknowledged; false when none can go. */
    private static boolean evict(Map<String, ? extends Session> map) {
        var it = map.entrySet().iterator();
        while (it.hasNext()) {
            Session s = it.next().getValue();
            if (s.evictable()) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    private abstract static class Session {
        private Link link;

        synchronized Link supersede(Link next) {
            Link old = link;
            link = next;
            return old;
        }

        synchronized boolean connected() {
            return link != null && !link.isClosed();
        }

        abstract boolean evictable();
    }

    private static final class SenderSession extends Session {
        final ReplayBuffer buffer;

        SenderSession(ReplayBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        boolean evictable() {
            return !connected() && buffer.messages() == 0;
        }
    }

    private static final class ReceiverState extends Session {
        final String senderInstance;
        final ReentrantLock lock = new ReentrantLock();
        /** The last sequence number written to the sink; 0 before the first. */
        long lastDelivered;

        ReceiverState(String senderInstance) {
            this.senderInstance = senderInstance;
        }

        @Override
        boolean evictable() {
            return !connected() && !lock.isLocked();
        }
    }

    /** A failure of the local FIFO or stream: ends the bridge whatever the link does. */
    private static final class LocalFailure extends IOException {
        private static final long serialVersionUID = 1L;

        LocalFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    // ---- the message protocol ----

    /**
     * Sends a session's messages over one link until the source has ended and everything is
     * acknowledged (true) or the link fails (an exception).
     */
    private boolean send(Link link, SenderSession session) throws IOException {
        ReplayBuffer buf = session.buffer;
        DataInputStream in = new DataInputStream(link.in());
        DataOutputStream out = new DataOutputStream(link.out());
        Wire.Frame first = Wire.readFrame(in, link.name(), 0);
        if (first.kind() != Wire.ACK) {
            throw new BridgeException(link + ": expected the resume point, got frame kind " + first.kind());
        }
        long cursor;
        buf.lock.lock();
        try {
            if (first.seq() >= buf.nextSeq()) {
                throw new BridgeException(link + ": claims message " + first.seq() + ", this side sent up to "
                        + (buf.nextSeq() - 1), null, true);
            }
            cursor = Math.max(first.seq() + 1, buf.firstSeq());
        } finally {
            buf.lock.unlock();
        }
        buf.acknowledge(first.seq());
        long replayUntil;
        buf.lock.lock();
        try {
            replayUntil = buf.nextSeq();
        } finally {
            buf.lock.unlock();
        }
        IOException[] ackError = new IOException[1];
        Thread acks = Thread.ofVirtual().name("fifokit-bridge-acks").start(() -> {
            try {
                while (true) {
                    Wire.Frame f = Wire.readFrame(in, link.name(), 0);
                    if (f.kind() != Wire.ACK || !buf.acknowledge(f.seq())) {
                        throw new BridgeException(link + ": bad acknowledgement (kind " + f.kind() + ", seq " + f.seq() + ")");
                    }
                }
            } catch (IOException e) {
                ackError[0] = e;
            } finally {
                link.close();
                buf.signal();
            }
        });
        threads.add(acks);
        boolean finSent = false;
        boolean dirty = false;
        boolean finished = false;
        try {
            while (true) {
                Message m = null;
                boolean read = false;
                boolean sendFin = false;
                long finSeq = 0;
                buf.lock.lock();
                try {
                    while (true) {
                        if (finSent && buf.drained()) {
                            // the far side has written everything (it may close the link already)
                            finished = true;
                            return true;
                        }
                        if (link.isClosed() || closed) {
                            IOException e = ackError[0];
                            throw e != null ? e : new EOFException(link + ": the link closed");
                        }
                        m = buf.get(cursor);
                        if (m != null) {
                            break;
                        }
                        if (buf.sourceEnded) {
                            if (!finSent) {
                                sendFin = true;
                                finSeq = buf.nextSeq() - 1;
                                break;
                            }
                            if (buf.drained()) {
                                finished = true;
                                return true;
                            }
                        } else if (!buf.reading && buf.hasRoom()) {
                            buf.reading = true;
                            read = true;
                            break;
                        }
                        if (dirty) {
                            // about to wait: whatever is written must reach the far side first
                            buf.lock.unlock();
                            try {
                                out.flush();
                                dirty = false;
                            } finally {
                                buf.lock.lock();
                            }
                            continue;
                        }
                        try {
                            buf.await();
                        } catch (InterruptedException e) {
                            throw new InterruptedIOException("interrupted");
                        }
                    }
                } finally {
                    buf.lock.unlock();
                }
                if (read) {
                    Message next;
                    try {
                        if (dirty && !messageSource.ready()) {
                            out.flush();
                            dirty = false;
                        }
                        next = messageSource.next();
                    } catch (FifoClosedException | FifoInterruptedException e) {
                        if (closed) {
                            throw new EOFException("closed");
                        }
                        throw new LocalFailure(e);
                    } catch (IOException e) {
                        throw new LocalFailure(e);
                    } finally {
                        buf.lock.lock();
                        buf.reading = false;
                        buf.changed.signalAll();
                        buf.lock.unlock();
                    }
                    buf.lock.lock();
                    try {
                        if (next == null) {
                            buf.sourceEnded = true;
                        } else {
                            buf.append(next);
                        }
                        buf.changed.signalAll();
                    } finally {
                        buf.lock.unlock();
                    }
                    continue;
                }
                if (sendFin) {
                    Wire.writeSeq(out, Wire.FIN, finSeq);
                    out.flush();
                    finSent = true;
                    continue;
                }
                Wire.writeData(out, cursor, m.type(), m.payload());
                dirty = true;
                sent.incrementAndGet();
                if (cursor < replayUntil) {
                    replayed.incrementAndGet();
                }
                cursor++;
            }
        } finally {
            try {
                if (finished) {
                    // let the far side read the FIN and hang up first, so its last acknowledgement
                    // does not meet a closed link
                    acks.join(Duration.ofSeconds(5));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            link.close();
            try {
                acks.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            threads.remove(acks);
        }
    }

    /**
     * Writes the far side's messages to the sink, in order, each once, until it says its source
     * ended (true) or the link fails (an exception). The caller holds {@code st.lock}.
     */
    private boolean receive(Link link, ReceiverState st) throws IOException {
        DataInputStream in = new DataInputStream(link.in());
        DataOutputStream out = new DataOutputStream(link.out());
        Wire.writeSeq(out, Wire.ACK, st.lastDelivered);
        out.flush();
        int max;
        try {
            max = messageSink.maxPayload();
        } catch (IOException e) {
            throw new LocalFailure(e);
        }
        int unacked = 0;
        while (true) {
            Wire.Frame f = Wire.readFrame(in, link.name(), max);
            if (f.kind() == Wire.FIN) {
                // Everything before the FIN is written, so the session is over whatever happens to
                // this last acknowledgement: the sender may already have closed the link, since it
                // stops once every message is acknowledged.
                try {
                    Wire.writeSeq(out, Wire.ACK, st.lastDelivered);
                    out.flush();
                } catch (IOException ignored) {
                    // the sender has gone; it needed nothing more
                }
                return true;
            }
            if (f.kind() != Wire.DATA) {
                throw new BridgeException(link + ": unexpected frame kind " + f.kind());
            }
            long seq = f.seq();
            if (st.lastDelivered != 0 && seq <= st.lastDelivered) {
                duplicates.incrementAndGet();
            } else if (st.lastDelivered != 0 && seq != st.lastDelivered + 1) {
                throw new BridgeException(link + ": message " + seq + " after " + st.lastDelivered + " (a gap)");
            } else {
                try {
                    messageSink.deliver(f.type(), f.payload());
                } catch (IOException e) {
                    if (closed) {
                        throw new EOFException("closed");
                    }
                    throw new LocalFailure(e);
                }
                st.lastDelivered = seq;
                delivered.incrementAndGet();
            }
            if (++unacked >= ACK_EVERY || in.available() == 0) {
                Wire.writeSeq(out, Wire.ACK, st.lastDelivered);
                out.flush();
                unacked = 0;
            }
        }
    }

    // ---- raw ----

    private boolean sendRaw(Link link) throws IOException {
        byte[] b = new byte[Link.BUFFER];
        while (true) {
            int n;
            try {
                n = rawSource.read(b, 0, b.length);
            } catch (IOException e) {
                if (closed) {
                    throw new EOFException("closed");
                }
                throw new LocalFailure(e);
            }
            if (n < 0) {
                link.finishOutput();
                return true;
            }
            link.out().write(b, 0, n);
            link.out().flush();
            copied.addAndGet(n);
        }
    }

    private boolean receiveRaw(Link link) throws IOException {
        byte[] b = new byte[Link.BUFFER];
        for (int n; (n = link.in().read(b)) >= 0; ) {
            try {
                rawSink.write(b, 0, n);
            } catch (IOException e) {
                if (closed) {
                    throw new EOFException("closed");
                }
                throw new LocalFailure(e);
            }
            copied.addAndGet(n);
        }
        return true;
    }

    @Override
    public String toString() {
        return "bridge " + from + " -> " + to + " (" + format + ", instance "
                + HexFormat.of().formatHex(instance, 0, 4) + ")";
    }
}
