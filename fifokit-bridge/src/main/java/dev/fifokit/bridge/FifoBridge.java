package dev.fifokit.bridge;

import dev.fifokit.files.Fifo;

import javax.net.ssl.SSLContext;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Joins two ends of the built-in address kinds: data flows from the {@code from} end to the
 * {@code to} end. One end is local (a FIFO, or standard input/output) and the other a socket (a
 * TCP or Unix-domain listener or connector), or both are local. Whether this side listens or
 * dials is independent of the direction: {@code fifo:IN tcp-listen:9000} serves the FIFO's
 * messages to whoever connects, {@code tcp:host:9000 fifo:OUT} fetches them.
 *
 * <pre>{@code
 * // host A: the FIFO's messages to every client that connects, over TLS
 * try (FifoBridge a = FifoBridge.of(BridgeAddress.parse("fifo:/run/in.fifo"), BridgeAddress.parse("tcp-listen:9000"),
 *         BridgeOptions.defaults().format(BridgeFormat.MESG)
 *                 .tls(BridgeTls.pem(Path.of("a.crt"), Path.of("a.key")).trust(Path.of("ca.crt")).requireClientCertificate()))
 *         .start()) {
 *     a.await();
 * }
 * }</pre>
 *
 * <p><b>Formats.</b> {@link BridgeFormat#MESG} and {@link BridgeFormat#LINE} read whole messages
 * from the source, number them and send each as a frame; the receiving side writes each to its
 * FIFO as one write(2), acknowledges it, and drops frames it has already written. The sending
 * side keeps every unacknowledged message in a bounded replay buffer and sends it again after a
 * reconnect. {@link BridgeFormat#RAW} is a plain byte stream without acknowledgements. What is
 * guaranteed, exactly, is in
 * <a href="https://github.com/fifokit/fifokit/blob/main/docs/bridge.md">docs/bridge.md</a>.
 *
 * <p><b>Structure.</b> On a sending side one thread reads the source into a small
 * {@link Outbox}; each link's {@link Sender} takes messages from it only while the link is up,
 * so a FIFO failure and a link failure are never confused, replay starts as soon as a link is
 * back, and nothing of the FIFO goes to a link that is gone. A receiving side runs a
 * {@link Receiver} per link. Both speak after one {@link Handshake}; a listener keeps its far
 * sides in {@link Sessions}.
 *
 * <p><b>Threads and blocking.</b> {@link #start()} binds a listener (so {@link #localPort()} is
 * known) and starts virtual threads; it does not wait for peers. {@link #await()} blocks until
 * the bridge ends: a connector ends when its source ends and the far side has acknowledged
 * everything (or, receiving, when the far side says its source ended); a listener runs until
 * stopped or closed. {@link #stop(Duration)} delivers what was taken within a grace period;
 * {@link #close()} stops everything at once from any thread.
 */
public final class FifoBridge implements Bridge {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Connections a listener lets do their handshake at once; more wait in the kernel's backlog. */
    private static final int HANDSHAKES = 128;

    // package-private: read by the link classes (DialledLink, AcceptedLink), which work for this bridge
    final BridgeAddress from;
    final BridgeAddress to;
    final BridgeOptions options;
    final Consumer<String> log;
    final byte[] instance = new byte[16];
    final Counters counters = new Counters();
    /** The sending side's state; null when this side receives or copies between local ends. */
    Sending sending;
    /** The receiving side's state; null when this side sends or copies between local ends. */
    Receiving receiving;
    SSLContext ssl;
    volatile boolean closed;
    volatile boolean stopping;

    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Semaphore handshakes = new Semaphore(HANDSHAKES);
    private volatile IOException failure;
    private boolean started;
    private Endpoints.Acceptor acceptor;
    private LocalEnds.MessageSource messageSource;
    LocalEnds.MessageSink messageSink;
    LocalEnds.RawSource rawSource;
    LocalEnds.RawSink rawSink;

    private FifoBridge(BridgeAddress from, BridgeAddress to, BridgeOptions options) {
        this.from = from;
        this.to = to;
        this.options = options;
        this.log = options.log();
        RANDOM.nextBytes(instance);
    }

    /**
     * A bridge (not started) that moves data from {@code from} to {@code to}; the options are
     * checked together with the two addresses here.
     *
     * @param from where data comes from
     * @param to where data goes
     * @param options how it runs
     * @return the bridge; {@link #start()} opens the ends
     * @throws IllegalArgumentException an address of a kind this bridge does not open; two
     *         socket ends; the same FIFO at both ends; TLS on an end without TCP; plaintext TCP
     *         off loopback (or on a host that does not resolve) without
     *         {@link BridgeOptions#plaintext(boolean)}; a TLS listener without a certificate; a
     *         client-certificate requirement on a connector, or without trusted certificates
     */
    public static FifoBridge of(BridgeAddress from, BridgeAddress to, BridgeOptions options) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Pairing.check(from, to, Objects.requireNonNull(options, "options"));
        return new FifoBridge(from, to, options);
    }

    // ---- lifecycle ----

    /**
     * Builds TLS, checks the FIFOs, binds a listening end and starts the bridge's threads.
     * Returns at once.
     *
     * @return this bridge
     * @throws dev.fifokit.NoSuchFifoException a {@code fifo:} path does not exist
     * @throws dev.fifokit.NotAFifoException a {@code fifo:} path is not a FIFO
     * @throws BridgeException bad TLS material, or the listening address cannot be bound
     * @throws IllegalStateException already started
     */
    @Override
    public synchronized FifoBridge start() throws IOException {
        if (started) {
            throw new IllegalStateException("the bridge is already started");
        }
        started = true;
        try {
            LocalEnds.Local source = from.isLocal() ? ((BuiltInKind) from.kind()).local(from) : null;
            LocalEnds.Local sink = to.isLocal() ? ((BuiltInKind) to.kind()).local(to) : null;
            for (LocalEnds.Local l : new LocalEnds.Local[]{source, sink}) {
                if (l != null && l.fifo() != null) {
                    Fifo.existing(l.fifo()).close(); // a FIFO end must exist and be a FIFO now, not when a peer comes
                }
            }
            if (options.tls() != null) {
                ssl = options.tls().context();
            }
            if (options.format() == BridgeFormat.RAW) {
                rawSource = source == null ? null : source.rawSource(options.isFollow());
                rawSink = sink == null ? null : sink.rawSink();
            } else {
                var framing = options.format().framing();
                messageSource = source == null ? null
                        : source.messageSource(framing, options.messageOptions(), options.isFollow(), log);
                messageSink = sink == null ? null : sink.messageSink(framing, options.messageOptions());
            }
            BridgeAddress net = from.isLocal() ? (to.isLocal() ? null : to) : from;
            if (net == null) {
                spawn("fifokit-bridge-local", this::runLocal);
                return this;
            }
            if (messageSource != null) {
                sending = new Sending(this, messageSource, !net.isListening());
            } else if (messageSink != null) {
                receiving = new Receiving(this, messageSink::release);
            } else if (rawSink != null) {
                receiving = new Receiving(this, rawSink::release);
            }
            BuiltInKind kind = (BuiltInKind) net.kind();
            if (net.isListening()) {
                acceptor = kind.listen(net, new Endpoints.Security(ssl, options.tls(), log));
                log.accept(net + ": listening" + (acceptor.port() >= 0 ? " on port " + acceptor.port() : ""));
                spawn("fifokit-bridge-accept", () -> acceptLoop(net.toString()));
            } else {
                Endpoints.Dialler dialler = kind.dialler(net);
                spawn("fifokit-bridge-connect", () -> connectLoop(dialler, net.toString()));
            }
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** {@return the TCP port a {@code tcp-listen:} end is bound to (useful with port 0), else -1} */
    public int localPort() {
        Endpoints.Acceptor a = acceptor;
        return a == null ? -1 : a.port();
    }

    /**
     * Waits until the bridge ends (see the class comment).
     *
     * @throws IOException the failure that ended it: a link that dropped without
     *         {@link BridgeOptions#reconnect(boolean) reconnect} (an {@link UndeliveredException}
     *         when messages read were not acknowledged), a refusal by the far side, a FIFO error
     * @throws InterruptedException this thread was interrupted (the bridge goes on)
     */
    @Override
    public void await() throws IOException, InterruptedException {
        done.await();
        throwFailure();
    }

    /**
     * Waits up to {@code limit}; true when the bridge has ended (its failure, if any, is
     * thrown as by {@link #await()}).
     *
     * @throws IOException as {@link #await()}
     * @throws InterruptedException as {@link #await()}
     */
    @Override
    public boolean await(Duration limit) throws IOException, InterruptedException {
        if (!done.await(limit.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        throwFailure();
        return true;
    }

    private void throwFailure() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw f;
        }
    }

    /** True once the bridge has ended, by itself, by a failure, or stopped or closed. */
    @Override
    public boolean isDone() {
        return done.getCount() == 0;
    }

    /** {@return the counters now} */
    public BridgeStats stats() {
        long[] held = sending == null ? new long[3] : sending.held();
        return new BridgeStats(counters.sent.get(), counters.replayed.get(), counters.delivered.get(),
                counters.duplicates.get(), counters.copied.get(), counters.connections.get(), (int) held[0], held[1],
                held[2]);
    }

    /**
     * A graceful stop. A sending side stops reading its source between two messages (what the
     * FIFO still holds stays there), sends what it has read, says the source ended, and waits up
     * to {@code grace} for the far side to acknowledge everything, reconnecting meanwhile if it
     * may. A receiving side finishes the message it is writing, acknowledges it and tells the far
     * side it leaves. Then everything closes. Raw bridges just close.
     *
     * @throws UndeliveredException messages read from the source were not acknowledged in time
     * @throws InterruptedException this thread was interrupted; the bridge is closed
     */
    @Override
    public void stop(Duration grace) throws UndeliveredException, InterruptedException {
        stopping = true;
        long end = System.nanoTime() + grace.toNanos();
        try {
            if (sending != null) {
                sending.stopSource();
                while (!isDone() && sending.unacknowledged() > 0 && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
            } else if (receiving != null) {
                receiving.leaveAll();
                while (!isDone() && !receiving.idle() && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
            }
        } finally {
            long left = sending == null ? 0 : sending.unacknowledged();
            close();
            if (left > 0) {
                throw new UndeliveredException((from.isLocal() ? to : from) + ": stopped with " + left
                        + " messages read from " + from + " not acknowledged within " + grace.toMillis() + " ms",
                        left, null);
            }
        }
    }

    /**
     * Stops at once: closes the listener, every link and the local ends, interrupts and waits (at
     * most 5 s) for the bridge's threads. Messages not yet acknowledged are dropped. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        shutEnds();
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

    /** Ends the bridge by itself ({@code f} null) or with a failure; the local ends close at once. */
    void finish(IOException f) {
        if (f != null && failure == null && !closed) {
            failure = f;
        }
        if (done.getCount() > 0) {
            shutEnds(); // so the far FIFO's reader sees end of file
            done.countDown();
        }
    }

    private void shutEnds() {
        if (acceptor != null) {
            acceptor.close();
        }
        for (Link l : links) {
            l.close();
        }
        for (Closeable c : new Closeable[]{messageSource, messageSink, rawSource, rawSink}) {
            Endpoints.closeQuietly(c);
        }
    }

    /** Runs {@code body} on a virtual thread of the bridge; what it throws ends the bridge. */
    void spawn(String name, Body body) {
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

    /** A thread's body: whatever it throws ends the bridge. */
    interface Body {
        void run() throws Exception;
    }

    private void runLocal() throws IOException {
        if (options.format() == BridgeFormat.RAW) {
            RawCopy.local(rawSource, rawSink, counters);
        } else {
            for (var m = messageSource.next(); m != null; m = messageSource.next()) {
                messageSink.deliver(m.type(), m.payload());
                counters.delivered.incrementAndGet();
            }
        }
        finish(null);
    }

    // ---- the connector's loop ----

    /**
     * Dials until the session is over: each failure of a link means dialling again after a
     * growing wait (with reconnect, and unless the far side refused for good), or the end of the
     * bridge with a message that names the address and the messages not acknowledged.
     */
    private void connectLoop(Endpoints.Dialler dialler, String far) throws IOException, InterruptedException {
        Handshake.Memory memory = new Handshake.Memory();
        ReceiverSession state = receiving == null ? null : new ReceiverSession(instance, null, null);
        long wait = options.backoffMin().toNanos();
        while (!closed) {
            DialledLink attempt = new DialledLink(this, dialler, far, memory, state);
            try {
                if (attempt.run()) {
                    finish(null);
                    return;
                }
                throw new EOFException(far + ": the link dropped");
            } catch (LocalFailure e) {
                throw e.getCause();
            } catch (IOException e) {
                if (closed || stopping && sending == null) {
                    return;
                }
                boolean fatal = e instanceof BridgeException b && b.isFatal();
                if (!options.isReconnect() || fatal) {
                    throw giveUp(far, e);
                }
                if (attempt.established()) {
                    wait = options.backoffMin().toNanos();
                }
                long waiting = sending == null ? 0 : sending.unacknowledged();
                log.accept(Endpoints.describe(far, e) + "; dialling again in " + TimeUnit.NANOSECONDS.toMillis(wait)
                        + " ms" + (waiting > 0 ? " (" + waiting + " messages not yet acknowledged)" : ""));
            }
            Thread.sleep(Duration.ofNanos(wait));
            wait = Math.min(wait * 2, options.backoffMax().toNanos());
        }
    }

    /** The failure that ends a connector: the address, what happened, what was not delivered. */
    private IOException giveUp(String far, IOException e) {
        long n = sending == null ? 0 : sending.unacknowledged();
        String m = Endpoints.describe(far, e);
        if (n > 0) {
            return new UndeliveredException(m + " (" + n + " messages read from " + from + " were not acknowledged)",
                    n, e);
        }
        if (e instanceof BridgeException && m.equals(e.getMessage())) {
            return e;
        }
        return new BridgeException(m, e, e instanceof BridgeException b && b.isFatal());
    }

    // ---- the listener's loop ----

    /**
     * Accepts until closed. A failed accept (out of descriptors: EMFILE, ENFILE; out of memory)
     * does not end the listener: it waits, 10 ms doubling to 1 s, and accepts again, reporting
     * at most once a second. At most {@value #HANDSHAKES} connections do their handshake at once.
     */
    private void acceptLoop(String name) throws InterruptedException {
        long pause = 0;
        long failures = 0;
        long reported = System.nanoTime() - TimeUnit.SECONDS.toNanos(2);
        while (!closed) {
            handshakes.acquire();
            Link link;
            try {
                link = acceptor.accept();
                pause = 0;
            } catch (IOException e) {
                handshakes.release();
                if (closed || acceptor.isClosed()) {
                    return;
                }
                failures++;
                pause = pause == 0 ? TimeUnit.MILLISECONDS.toNanos(10) : Math.min(pause * 2, TimeUnit.SECONDS.toNanos(1));
                if (System.nanoTime() - reported >= TimeUnit.SECONDS.toNanos(1)) {
                    reported = System.nanoTime();
                    log.accept(name + ": accept failed (" + failures + " times so far): " + Endpoints.words(e)
                            + "; still listening");
                }
                Thread.sleep(Duration.ofNanos(pause));
                continue;
            }
            if (!track(link)) {
                handshakes.release();
                return;
            }
            spawn("fifokit-bridge-client", () -> {
                try {
                    new AcceptedLink(this, link, handshakes::release).run();
                } finally {
                    untrack(link);
                }
            });
        }
    }

    /** This side's HELLO, without flags and key. */
    Wire.Hello hello() throws LocalFailure {
        int max;
        try {
            max = sending != null ? messageSource.maxPayload() : messageSink.maxPayload();
        } catch (IOException e) {
            throw new LocalFailure(e);
        }
        return new Wire.Hello(sending != null ? Wire.ROLE_SENDER : Wire.ROLE_RECEIVER, options.format(), instance, max,
                0, null);
    }

    /** Registers a link so that {@link #close()} ends it; false (and the link closed) when closing already. */
    boolean track(Link l) {
        links.add(l);
        if (closed) {
            l.close();
            return false;
        }
        return true;
    }

    void untrack(Link l) {
        l.close();
        links.remove(l);
    }

    @Override
    public String toString() {
        return "bridge " + from + " -> " + to + " (" + options.format() + ", instance "
                + HexFormat.of().formatHex(instance, 0, 4) + ")";
    }
}
