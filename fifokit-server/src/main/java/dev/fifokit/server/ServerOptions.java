package dev.fifokit.server;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link FifoServer} runs. Immutable; each method returns a changed copy.
 *
 * <ul>
 *   <li>{@link #maxInFlight(int)}: handlers running at once (default 256). A slot is held
 *       from the moment a handler starts until its thread has really ended, so this bounds
 *       what runs, including handlers that ignore their deadline. Requests read and waiting for
 *       a slot, or whose replies are still being delivered, hold no slot and are bounded by
 *       memory (at least 1024 at once, or four times this); beyond that they queue in memory,
 *       and past the queue a request gets a "busy" error reply at once.</li>
 *   <li>{@link #requestDeadline(Duration)}: how long one request may take, from the moment it
 *       is read to the end of its reply (default 30s). Past it, the handler is interrupted
 *       and the client gets an error reply.</li>
 *   <li>{@link #clientStall(Duration)}: how long the server waits for a client that makes no
 *       progress (does not read its reply, or does not send the body of a large request)
 *       before it gives up on that request (default 2s). Only that client's request is lost.</li>
 *   <li>{@link #gracePeriod(Duration)}: how long a graceful stop lets requests in flight
 *       finish (default 5s); then they get an error reply and the server stops anyway.</li>
 *   <li>{@link #maxRequestBytes(long)}: the largest request body accepted (default 16 MiB);
 *       bodies over one frame travel through a request FIFO.</li>
 *   <li>{@link #shared(boolean)}: serve other users too (default false). The directory is
 *       created 1733 and {@code server.fifo} 0622, and only token-form requests are accepted,
 *       whose reply FIFO names are secret (see
 *       <a href="https://github.com/fifokit/fifokit/blob/main/docs/server-protocol.md">docs/server-protocol.md</a>).</li>
 *   <li>{@link #fifoMode(int)}: permission bits of {@code server.fifo} (default 0600, or 0622
 *       when shared).</li>
 *   <li>{@link #log(Consumer)}: where the server reports what it discards (garbage frames,
 *       dropped requests, handler failures), one line per event without a trailing newline;
 *       events a client can repeat at will are limited to one line per kind per second, with
 *       a count. Default: the {@code System.Logger} named {@code dev.fifokit.server}, WARNING.</li>
 * </ul>
 */
public final class ServerOptions {
    private static final Consumer<String> SYSTEM_LOG = line ->
            System.getLogger("dev.fifokit.server").log(System.Logger.Level.WARNING, line);
    private static final ServerOptions DEFAULTS = new ServerOptions(256, Duration.ofSeconds(30), Duration.ofSeconds(2),
            Duration.ofSeconds(5), 16L << 20, false, -1, SYSTEM_LOG);

    private final int maxInFlight;
    private final Duration requestDeadline;
    private final Duration clientStall;
    private final Duration gracePeriod;
    private final long maxRequestBytes;
    private final boolean shared;
    private final int fifoMode;
    private final Consumer<String> log;

    private ServerOptions(int maxInFlight, Duration requestDeadline, Duration clientStall, Duration gracePeriod,
                          long maxRequestBytes, boolean shared, int fifoMode, Consumer<String> log) {
        this.maxInFlight = maxInFlight;
        this.requestDeadline = requestDeadline;
        this.clientStall = clientStall;
        this.gracePeriod = gracePeriod;
        this.maxRequestBytes = maxRequestBytes;
        this.shared = shared;
        this.fifoMode = fifoMode;
        this.log = log;
    }

    /**
     * 256 in flight, 30 s per request, 2 s client stall, 5 s grace, 16 MiB requests, private, warnings to System.Logger.
     *
     * @return the default options (the same object every time)
     */
    public static ServerOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Handlers running at once (at least 1).
     *
     * @param requests how many handlers may run at the same time, 1 or more
     * @return a copy with this limit
     * @throws IllegalArgumentException {@code requests} is below 1
     */
    public ServerOptions maxInFlight(int requests) {
        if (requests < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1: " + requests);
        }
        return new ServerOptions(requests, requestDeadline, clientStall, gracePeriod, maxRequestBytes, shared, fifoMode, log);
    }

    /**
     * How long one request may take (positive).
     *
     * @param deadline the longest time from reading a request to the end of its reply; more
     *                 than zero
     * @return a copy with this deadline
     * @throws IllegalArgumentException {@code deadline} is zero or negative
     */
    public ServerOptions requestDeadline(Duration deadline) {
        return new ServerOptions(maxInFlight, positive(deadline, "request deadline"), clientStall, gracePeriod,
                maxRequestBytes, shared, fifoMode, log);
    }

    /**
     * How long a client may make no progress reading its reply or sending its body (positive).
     *
     * @param stall the longest time without progress before the server gives up on that
     *              request; more than zero
     * @return a copy with this limit
     * @throws IllegalArgumentException {@code stall} is zero or negative
     */
    public ServerOptions clientStall(Duration stall) {
        return new ServerOptions(maxInFlight, requestDeadline, positive(stall, "client stall"), gracePeriod,
                maxRequestBytes, shared, fifoMode, log);
    }

    /**
     * How long a graceful stop waits for requests in flight (positive).
     *
     * @param grace the longest wait for requests in flight when the server stops; more than
     *              zero
     * @return a copy with this grace period
     * @throws IllegalArgumentException {@code grace} is zero or negative
     */
    public ServerOptions gracePeriod(Duration grace) {
        return new ServerOptions(maxInFlight, requestDeadline, clientStall, positive(grace, "grace period"),
                maxRequestBytes, shared, fifoMode, log);
    }

    /**
     * The largest request body accepted, in bytes (at least 0).
     *
     * @param bytes the largest request body in bytes, 0 or more; a larger request gets an
     *              error reply
     * @return a copy with this limit
     * @throws IllegalArgumentException {@code bytes} is negative
     */
    public ServerOptions maxRequestBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxRequestBytes must not be negative: " + bytes);
        }
        return new ServerOptions(maxInFlight, requestDeadline, clientStall, gracePeriod, bytes, shared, fifoMode, log);
    }

    /**
     * Serve other users too (token-form requests only, directory 1733, server.fifo 0622 unless set).
     *
     * @param yes true to serve other users, false (the default) to serve only this user
     * @return a copy that is shared or private
     */
    public ServerOptions shared(boolean yes) {
        return new ServerOptions(maxInFlight, requestDeadline, clientStall, gracePeriod, maxRequestBytes, yes, fifoMode, log);
    }

    /**
     * Permission bits of {@code server.fifo}.
     *
     * @param mode the permission bits, 0 to 0777 (e.g. {@code 0620}); no file type, setuid,
     *             setgid or sticky bits
     * @return a copy with this mode
     * @throws IllegalArgumentException {@code mode} has bits outside 0777
     */
    public ServerOptions fifoMode(int mode) {
        if ((mode & ~0777) != 0) {
            throw new IllegalArgumentException("not a permission mode: 0" + Integer.toOctalString(mode));
        }
        return new ServerOptions(maxInFlight, requestDeadline, clientStall, gracePeriod, maxRequestBytes, shared, mode, log);
    }

    /**
     * Where discarded input and dropped requests are reported.
     *
     * @param sink gets one line per event, without a trailing newline; it may be called from
     *             several server threads
     * @return a copy that reports to {@code sink}
     */
    public ServerOptions log(Consumer<String> sink) {
        return new ServerOptions(maxInFlight, requestDeadline, clientStall, gracePeriod, maxRequestBytes, shared, fifoMode,
                Objects.requireNonNull(sink, "sink"));
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d;
    }

    /** {@return how many handlers may run at once, 1 or more} */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** {@return how long one request may take, from being read to the end of its reply} */
    public Duration requestDeadline() {
        return requestDeadline;
    }

    /** {@return how long a client may make no progress before its request is given up} */
    public Duration clientStall() {
        return clientStall;
    }

    /** {@return how long a graceful stop waits for requests in flight} */
    public Duration gracePeriod() {
        return gracePeriod;
    }

    /** {@return the largest request body accepted, in bytes} */
    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    /** {@return true when other users may be served} */
    public boolean isShared() {
        return shared;
    }

    /** {@return the permission bits of {@code server.fifo}: as set, else 0622 when shared and 0600 when private} */
    public int fifoMode() {
        return fifoMode >= 0 ? fifoMode : shared ? 0622 : 0600;
    }

    /** {@return where discarded input and dropped requests are reported; never null} */
    public Consumer<String> log() {
        return log;
    }
}
