package dev.fifokit.ends;

import java.time.Duration;
import java.util.Objects;

/**
 * How to open a FIFO end. Immutable; each method returns a changed copy.
 *
 * <pre>{@code
 * OpenOptions o = OpenOptions.defaults().timeout(Duration.ofSeconds(5)).failIfNoReader();
 * }</pre>
 *
 * <ul>
 *   <li>{@link #timeout(Duration)}: how long an open waits for the other side (default: no
 *       limit, like a blocking open(2)). Past it, {@link dev.fifokit.PeerTimeoutException}.</li>
 *   <li>{@link #failIfNoReader()}: a writer fails at once with
 *       {@link dev.fifokit.NoReaderException} instead of waiting for a reader.</li>
 *   <li>{@link #awaitWriter(boolean)}: whether a reader's open waits for a writer (default
 *       true, as open(2) does). With false the open returns at once and the first read waits.</li>
 *   <li>{@link #keepAlive()}: the reader also holds a write end, so writers may come and go
 *       without the reader ever seeing EOF. <b>Hazard:</b> {@code read} then never returns -1
 *       while the end is open; that is the classic "unneeded O_RDWR open" made explicit.</li>
 *   <li>{@link #followSymlinks()}: follow a symbolic link at the path (default: refuse it).</li>
 *   <li>{@link #nonBlocking()}: reads and writes never wait: a read with nothing queued
 *       returns 0, a write that does not fit returns what fitted (0 for a message of at most
 *       PIPE_BUF bytes that does not fit whole).</li>
 *   <li>{@link #spin(Duration)}: before parking, re-try for this long (busy); trades CPU for
 *       the lowest round-trip latency.</li>
 *   <li>{@link #capacity(int)}, {@link #maxCapacity()}: once open, give the pipe a larger
 *       capacity (F_SETPIPE_SZ). For bulk transfers a writer that finds room for several of its
 *       writes sleeps and wakes far less often (on a 2-vCPU VM, 64 KiB writes move ~2.5× faster
 *       through a 1 MiB pipe than through the default 64 KiB). The capacity belongs to the pipe:
 *       every end sees it, until the last end closes.</li>
 * </ul>
 */
public final class OpenOptions {
    private static final OpenOptions DEFAULTS =
            new OpenOptions(null, false, true, false, false, false, Duration.ZERO, 0);

    /** {@link #capacity} value meaning "raise to pipe-max-size, best effort". */
    static final int MAX_CAPACITY = -1;

    private final Duration timeout;
    private final boolean failIfNoReader;
    private final boolean awaitWriter;
    private final boolean keepAlive;
    private final boolean followSymlinks;
    private final boolean nonBlocking;
    private final Duration spin;
    private final int capacity;

    private OpenOptions(Duration timeout, boolean failIfNoReader, boolean awaitWriter, boolean keepAlive,
                        boolean followSymlinks, boolean nonBlocking, Duration spin, int capacity) {
        this.timeout = timeout;
        this.failIfNoReader = failIfNoReader;
        this.awaitWriter = awaitWriter;
        this.keepAlive = keepAlive;
        this.followSymlinks = followSymlinks;
        this.nonBlocking = nonBlocking;
        this.spin = spin;
        this.capacity = capacity;
    }

    /** Wait without limit, refuse symlinks, blocking I/O, no keep-alive. */
    public static OpenOptions defaults() {
        return DEFAULTS;
    }

    public OpenOptions timeout(Duration limit) {
        Objects.requireNonNull(limit, "limit");
        if (limit.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + limit);
        }
        return new OpenOptions(limit, failIfNoReader, awaitWriter, keepAlive, followSymlinks, nonBlocking, spin,
                capacity);
    }

    public OpenOptions failIfNoReader() {
        return new OpenOptions(timeout, true, awaitWriter, keepAlive, followSymlinks, nonBlocking, spin, capacity);
    }

    public OpenOptions awaitWriter(boolean wait) {
        return new OpenOptions(timeout, failIfNoReader, wait, keepAlive, followSymlinks, nonBlocking, spin, capacity);
    }

    public OpenOptions keepAlive() {
        return new OpenOptions(timeout, failIfNoReader, awaitWriter, true, followSymlinks, nonBlocking, spin, capacity);
    }

    public OpenOptions followSymlinks() {
        return new OpenOptions(timeout, failIfNoReader, awaitWriter, keepAlive, true, nonBlocking, spin, capacity);
    }

    public OpenOptions nonBlocking() {
        return new OpenOptions(timeout, failIfNoReader, awaitWriter, keepAlive, followSymlinks, true, spin, capacity);
    }

    public OpenOptions spin(Duration busyWait) {
        return new OpenOptions(timeout, failIfNoReader, awaitWriter, keepAlive, followSymlinks, nonBlocking,
                Objects.requireNonNull(busyWait), capacity);
    }

    /**
     * Once open, sets the pipe's capacity to at least {@code bytes} (the kernel rounds up to a
     * power-of-two number of pages). The open then fails with
     * {@link dev.fifokit.PipeCapacityException} if the kernel refuses (above
     * {@code /proc/sys/fs/pipe-max-size} without CAP_SYS_RESOURCE, or below the bytes queued).
     */
    public OpenOptions capacity(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + bytes);
        }
        return new OpenOptions(timeout, failIfNoReader, awaitWriter, keepAlive, followSymlinks, nonBlocking, spin,
                bytes);
    }

    /**
     * Once open, raises the pipe's capacity to {@code /proc/sys/fs/pipe-max-size} (1 MiB unless
     * the administrator changed it) when that is more than it has. Best effort: a refusal (the
     * per-user pipe page quota, say) leaves the capacity as it was and is not an error.
     */
    public OpenOptions maxCapacity() {
        return new OpenOptions(timeout, failIfNoReader, awaitWriter, keepAlive, followSymlinks, nonBlocking, spin,
                MAX_CAPACITY);
    }

    /** The capacity asked for in bytes; 0 to leave it, -1 for {@link #maxCapacity()}. */
    public int capacityRequest() {
        return capacity;
    }

    /** The open deadline, or null for none. */
    public Duration timeout() {
        return timeout;
    }

    public boolean isFailIfNoReader() {
        return failIfNoReader;
    }

    public boolean isAwaitWriter() {
        return awaitWriter;
    }

    public boolean isKeepAlive() {
        return keepAlive;
    }

    public boolean isFollowSymlinks() {
        return followSymlinks;
    }

    public boolean isNonBlocking() {
        return nonBlocking;
    }

    public Duration spinDuration() {
        return spin;
    }

    long deadline(long startNanos) {
        return timeout == null ? dev.fifokit.internal.linux.PipeFd.NO_DEADLINE : startNanos + timeout.toNanos();
    }
}
