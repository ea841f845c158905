package dev.fifokit.server;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link FifoServer} runs. Immutable; each method returns a changed copy.
 *
 * <ul>
 *   <li>{@link #maxInFlight(int)}: requests handled at once (default 256). When that many are
 *       running, the server stops reading {@code server.fifo} until one finishes, so clients
 *       wait in the pipe (back-pressure) instead of being refused.</li>
 *   <li>{@link #requestDeadline(Duration)}: how long one request may take, from the moment it
 *       is read to the end of its reply (default 30s). Past it, the handler is interrupted
 *       and the client gets an error reply; a client that does not read its reply is dropped.</li>
 *   <li>{@link #fifoMode(int)}: permission bits of {@code server.fifo} (default 0600: only
 *       this user may send requests; 0622 lets anyone who can reach the directory send).</li>
 *   <li>{@link #log(Consumer)}: where the server reports what it discards (garbage frames,
 *       dropped requests, handler failures), one line per event without a trailing newline.
 *       Default: the {@code System.Logger} named {@code dev.fifokit.server}, level WARNING.</li>
 * </ul>
 */
public final class ServerOptions {
    private static final Consumer<String> SYSTEM_LOG = line ->
            System.getLogger("dev.fifokit.server").log(System.Logger.Level.WARNING, line);
    private static final ServerOptions DEFAULTS =
            new ServerOptions(256, Duration.ofSeconds(30), 0600, SYSTEM_LOG);

    private final int maxInFlight;
    private final Duration requestDeadline;
    private final int fifoMode;
    private final Consumer<String> log;

    private ServerOptions(int maxInFlight, Duration requestDeadline, int fifoMode, Consumer<String> log) {
        this.maxInFlight = maxInFlight;
        this.requestDeadline = requestDeadline;
        this.fifoMode = fifoMode;
        this.log = log;
    }

    /** 256 in flight, 30 s per request, server.fifo 0600, warnings to System.Logger. */
    public static ServerOptions defaults() {
        return DEFAULTS;
    }

    public ServerOptions maxInFlight(int requests) {
        if (requests < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1: " + requests);
        }
        return new ServerOptions(requests, requestDeadline, fifoMode, log);
    }

    public ServerOptions requestDeadline(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("request deadline must be positive: " + deadline);
        }
        return new ServerOptions(maxInFlight, deadline, fifoMode, log);
    }

    public ServerOptions fifoMode(int mode) {
        if ((mode & ~0777) != 0) {
            throw new IllegalArgumentException("not a permission mode: 0" + Integer.toOctalString(mode));
        }
        return new ServerOptions(maxInFlight, requestDeadline, mode, log);
    }

    public ServerOptions log(Consumer<String> sink) {
        return new ServerOptions(maxInFlight, requestDeadline, fifoMode, Objects.requireNonNull(sink, "sink"));
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    public Duration requestDeadline() {
        return requestDeadline;
    }

    public int fifoMode() {
        return fifoMode;
    }

    public Consumer<String> log() {
        return log;
    }
}
