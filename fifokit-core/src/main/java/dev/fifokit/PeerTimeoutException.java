package dev.fifokit;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The other side never came: no reader (for a writer) or no writer (for a reader) opened
 * the FIFO before the deadline. The message names the path, the missing side and the wait.
 */
public final class PeerTimeoutException extends FifoException {
    private static final long serialVersionUID = 1L;

    /** Which side never came. */
    public enum Side {
        /** No process opened the FIFO for reading. */
        READER,
        /** No process opened the FIFO for writing. */
        WRITER
    }

    /** The side that never opened the FIFO. */
    private final Side missing;
    private final transient Duration waited;

    /**
     * No peer opened the FIFO within {@code waited}; the reason says so in words.
     *
     * @param path    the FIFO
     * @param missing the side that never came
     * @param waited  how long the caller waited
     */
    public PeerTimeoutException(Path path, Side missing, Duration waited) {
        super(path, "no " + missing.name().toLowerCase(java.util.Locale.ROOT)
                + " opened it within " + Durations.format(waited));
        this.missing = missing;
        this.waited = waited;
    }

    /**
     * A deadline passed with the reason in the caller's words, e.g. a request whose reply did
     * not come in time ({@code "no reply within 5s"}).
     *
     * @param path    the FIFO
     * @param missing the side that never came
     * @param waited  how long the caller waited
     * @param reason  the cause, in words
     */
    public PeerTimeoutException(Path path, Side missing, Duration waited, String reason) {
        super(path, reason);
        this.missing = missing;
        this.waited = waited;
    }

    /** {@return the side that never opened the FIFO} */
    public Side missing() {
        return missing;
    }

    /** {@return how long the caller waited} */
    public Duration waited() {
        return waited;
    }
}
