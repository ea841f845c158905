package dev.fifokit.bridge;

import dev.fifokit.messages.MessageOptions;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a bridge runs. Immutable; each method returns a changed copy. The rules that tie options
 * to the two addresses (TLS only on TCP, plaintext only on loopback, ...) are checked when the
 * bridge is made ({@link FifoBridge#of}).
 *
 * <ul>
 *   <li>{@link #format(BridgeFormat)}: what crosses the link (default {@link BridgeFormat#RAW}).</li>
 *   <li>{@link #tls(BridgeTls)}, {@link #plaintext(boolean)}: TLS on a TCP end; without it a TCP
 *       end must be on loopback unless plaintext is allowed.</li>
 *   <li>{@link #reconnect(boolean)}, {@link #backoff(Duration, Duration)}: a connector dials
 *       again after a failure, waiting 100 ms doubling to 30 s by default.</li>
 *   <li>{@link #replayLimit(int, long)}: what a sending session holds unacknowledged (1024
 *       messages, 4 MiB by default); when it is full the source is no longer read.</li>
 *   <li>{@link #follow(boolean)}: a FIFO source reads on as writers come and go.</li>
 *   <li>{@link #maxPayload(int)}, {@link #exclusiveWriter()}: the largest message and whether the
 *       sink FIFO has other writers.</li>
 *   <li>{@link #handshakeTimeout(Duration)}: the whole time a peer has to connect, finish TLS
 *       and the bridge's handshake (default 10 s).</li>
 *   <li>{@link #maxSessions(int)}: the far sides a listener keeps (default 1024).</li>
 *   <li>{@link #resumeWindow(Duration)}: how long a listener that sends keeps a vanished
 *       client's unacknowledged messages for it before it gives them to other clients
 *       (default 30 s).</li>
 *   <li>{@link #log(Consumer)}: where links coming and going and dropped input are reported.</li>
 * </ul>
 */
public final class BridgeOptions {
    private static final BridgeOptions DEFAULTS = new BridgeOptions(BridgeFormat.RAW, null, false, false,
            Duration.ofMillis(100), Duration.ofSeconds(30), 1024, 4L << 20, false, -1, false,
            Duration.ofSeconds(10), 1024, Duration.ofSeconds(30), s -> { });

    private final BridgeFormat format;
    private final BridgeTls tls;
    private final boolean plaintext;
    private final boolean reconnect;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final int replayMessages;
    private final long replayBytes;
    private final boolean follow;
    private final int maxPayload;
    private final boolean exclusiveWriter;
    private final Duration handshakeTimeout;
    private final int maxSessions;
    private final Duration resumeWindow;
    private final Consumer<String> log;

    private BridgeOptions(BridgeFormat format, BridgeTls tls, boolean plaintext, boolean reconnect,
                          Duration backoffMin, Duration backoffMax, int replayMessages, long replayBytes,
                          boolean follow, int maxPayload, boolean exclusiveWriter, Duration handshakeTimeout,
                          int maxSessions, Duration resumeWindow, Consumer<String> log) {
        this.format = format;
        this.tls = tls;
        this.plaintext = plaintext;
        this.reconnect = reconnect;
        this.backoffMin = backoffMin;
        this.backoffMax = backoffMax;
        this.replayMessages = replayMessages;
        this.replayBytes = replayBytes;
        this.follow = follow;
        this.maxPayload = maxPayload;
        this.exclusiveWriter = exclusiveWriter;
        this.handshakeTimeout = handshakeTimeout;
        this.maxSessions = maxSessions;
        this.resumeWindow = resumeWindow;
        this.log = log;
    }

    private BridgeOptions with(Changes c) {
        return new BridgeOptions(c.format, c.tls, c.plaintext, c.reconnect, c.backoffMin, c.backoffMax,
                c.replayMessages, c.replayBytes, c.follow, c.maxPayload, c.exclusiveWriter, c.handshakeTimeout,
                c.maxSessions, c.resumeWindow, c.log);
    }

    /** The fields of a copy being made. */
    private final class Changes {
        BridgeFormat format = BridgeOptions.this.format;
        BridgeTls tls = BridgeOptions.this.tls;
        boolean plaintext = BridgeOptions.this.plaintext;
        boolean reconnect = BridgeOptions.this.reconnect;
        Duration backoffMin = BridgeOptions.this.backoffMin;
        Duration backoffMax = BridgeOptions.this.backoffMax;
        int replayMessages = BridgeOptions.this.replayMessages;
        long replayBytes = BridgeOptions.this.replayBytes;
        boolean follow = BridgeOptions.this.follow;
        int maxPayload = BridgeOptions.this.maxPayload;
        boolean exclusiveWriter = BridgeOptions.this.exclusiveWriter;
        Duration handshakeTimeout = BridgeOptions.this.handshakeTimeout;
        int maxSessions = BridgeOptions.this.maxSessions;
        Duration resumeWindow = BridgeOptions.this.resumeWindow;
        Consumer<String> log = BridgeOptions.this.log;
    }

    /**
     * Raw bytes, no TLS, no reconnect, replay 1024 messages / 4 MiB, 10 s handshake, 1024
     * sessions, 30 s resume window, no log.
     *
     * @return the default options (the same object every time)
     */
    public static BridgeOptions defaults() {
        return DEFAULTS;
    }

    /**
     * What crosses the link.
     *
     * @param f raw bytes, or mesg or line messages
     * @return a copy with this format
     */
    public BridgeOptions format(BridgeFormat f) {
        Changes c = new Changes();
        c.format = Objects.requireNonNull(f, "format");
        return with(c);
    }

    /**
     * TLS on the TCP end.
     *
     * @param t this side's certificate, the trusted ones, whether clients need one
     * @return a copy with TLS
     */
    public BridgeOptions tls(BridgeTls t) {
        Changes c = new Changes();
        c.tls = Objects.requireNonNull(t, "tls");
        return with(c);
    }

    /**
     * Allows a TCP end without TLS on an address that is not loopback.
     *
     * @param allow true to allow it
     * @return a copy with this choice
     */
    public BridgeOptions plaintext(boolean allow) {
        Changes c = new Changes();
        c.plaintext = allow;
        return with(c);
    }

    /**
     * A connector dials again when the link drops or cannot be made, with exponential backoff;
     * without it the first failure ends the bridge. A listener always takes a client back.
     *
     * @param on true to reconnect
     * @return a copy with this choice
     */
    public BridgeOptions reconnect(boolean on) {
        Changes c = new Changes();
        c.reconnect = on;
        return with(c);
    }

    /**
     * The first and the longest wait between two dials.
     *
     * @param first the first wait, above zero
     * @param longest the longest, at least {@code first}
     * @return a copy with this backoff
     * @throws IllegalArgumentException not {@code 0 < first <= longest}
     */
    public BridgeOptions backoff(Duration first, Duration longest) {
        if (first.isNegative() || first.isZero() || longest.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff: need 0 < first <= longest, got " + first + ", " + longest);
        }
        Changes c = new Changes();
        c.backoffMin = first;
        c.backoffMax = longest;
        return with(c);
    }

    /**
     * What a sending session holds until the far side acknowledges it: at most
     * {@code messages} messages and about {@code bytes} payload bytes (plus one message).
     *
     * @param messages 1 or more
     * @param bytes 1 or more
     * @return a copy with this limit
     * @throws IllegalArgumentException a limit below 1
     */
    public BridgeOptions replayLimit(int messages, long bytes) {
        if (messages < 1 || bytes < 1) {
            throw new IllegalArgumentException("replay limit must be positive: " + messages + ", " + bytes);
        }
        Changes c = new Changes();
        c.replayMessages = messages;
        c.replayBytes = bytes;
        return with(c);
    }

    /**
     * A FIFO source keeps reading as writers come and go instead of ending when its last
     * writer closes.
     *
     * @param on true to follow
     * @return a copy with this choice
     */
    public BridgeOptions follow(boolean on) {
        Changes c = new Changes();
        c.follow = on;
        return with(c);
    }

    /**
     * The largest message payload (default PIPE_BUF - 16, so that each message is one atomic
     * write(2) on the far side). A receiver refuses a sender whose maximum is above its own.
     *
     * @param bytes 0 to 16 MiB
     * @return a copy with this maximum
     * @throws IllegalArgumentException out of range
     */
    public BridgeOptions maxPayload(int bytes) {
        if (bytes < 0 || bytes > Wire.MAX_WIRE_PAYLOAD) {
            throw new IllegalArgumentException("maximum payload out of range (0.." + Wire.MAX_WIRE_PAYLOAD + "): " + bytes);
        }
        Changes c = new Changes();
        c.maxPayload = bytes;
        return with(c);
    }

    /**
     * The sink FIFO has no other writer: messages over PIPE_BUF are written in several
     * write(2) calls (not atomic, safe only without other writers).
     *
     * @return a copy that declares it
     */
    public BridgeOptions exclusiveWriter() {
        Changes c = new Changes();
        c.exclusiveWriter = true;
        return with(c);
    }

    /**
     * How long a peer has, in all, to connect, finish TLS and the bridge's handshake; past it
     * the connection is closed, however slowly the peer keeps sending.
     *
     * @param limit above zero
     * @return a copy with this limit
     * @throws IllegalArgumentException zero or negative
     */
    public BridgeOptions handshakeTimeout(Duration limit) {
        if (limit.isZero() || limit.isNegative()) {
            throw new IllegalArgumentException("handshake timeout must be positive: " + limit);
        }
        Changes c = new Changes();
        c.handshakeTimeout = limit;
        return with(c);
    }

    /**
     * A listener keeps the sessions of at most this many far sides; a new one past it is
     * refused with an error its bridge understands as "busy, try later".
     *
     * @param n 1 or more
     * @return a copy with this limit
     * @throws IllegalArgumentException below 1
     */
    public BridgeOptions maxSessions(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("max sessions must be positive: " + n);
        }
        Changes c = new Changes();
        c.maxSessions = n;
        return with(c);
    }

    /**
     * How long a listener that sends keeps the unacknowledged messages of a client whose link
     * dropped, for that client to come back; past it they go to the next client that asks
     * (those the vanished client had written without acknowledging are then written twice).
     * A client that leaves cleanly gives them back at once.
     *
     * @param window zero or more
     * @return a copy with this window
     * @throws IllegalArgumentException negative
     */
    public BridgeOptions resumeWindow(Duration window) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("resume window must not be negative: " + window);
        }
        Changes c = new Changes();
        c.resumeWindow = window;
        return with(c);
    }

    /**
     * Where the bridge reports links coming and going, refused peers and dropped input, one
     * line per event.
     *
     * @param sink gets each line
     * @return a copy with this log
     */
    public BridgeOptions log(Consumer<String> sink) {
        Changes c = new Changes();
        c.log = Objects.requireNonNull(sink, "sink");
        return with(c);
    }

    /** {@return the format} */
    public BridgeFormat format() {
        return format;
    }

    /** {@return the TLS configuration, or null for none} */
    public BridgeTls tls() {
        return tls;
    }

    /** {@return whether plaintext TCP off loopback is allowed} */
    public boolean isPlaintext() {
        return plaintext;
    }

    /** {@return whether a connector dials again after a failure} */
    public boolean isReconnect() {
        return reconnect;
    }

    /** {@return the first wait between two dials} */
    public Duration backoffMin() {
        return backoffMin;
    }

    /** {@return the longest wait between two dials} */
    public Duration backoffMax() {
        return backoffMax;
    }

    /** {@return the most messages a sending session holds unacknowledged} */
    public int replayMessages() {
        return replayMessages;
    }

    /** {@return about the most payload bytes a sending session holds unacknowledged} */
    public long replayBytes() {
        return replayBytes;
    }

    /** {@return whether a FIFO source follows writers as they come and go} */
    public boolean isFollow() {
        return follow;
    }

    /** {@return the largest payload, or -1 for PIPE_BUF - 16 of the FIFO} */
    public int maxPayload() {
        return maxPayload;
    }

    /** {@return whether the sink FIFO is declared to have no other writer} */
    public boolean isExclusiveWriter() {
        return exclusiveWriter;
    }

    /** {@return the whole time a peer has for connecting and the handshake} */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** {@return the most far sides a listener keeps sessions for} */
    public int maxSessions() {
        return maxSessions;
    }

    /** {@return how long a listener that sends keeps a vanished client's messages for it} */
    public Duration resumeWindow() {
        return resumeWindow;
    }

    /** {@return where events are reported} */
    public Consumer<String> log() {
        return log;
    }

    /** The FIFO side's message options: the maximum payload and the exclusive-writer declaration. */
    MessageOptions messageOptions() {
        MessageOptions o = MessageOptions.defaults();
        if (maxPayload >= 0) {
            o = o.maxPayload(maxPayload);
        }
        return exclusiveWriter ? o.exclusiveWriter() : o;
    }
}
