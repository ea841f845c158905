package dev.fifokit.ends;

import java.time.Duration;
import java.util.Objects;

/**
 * How an end does its I/O once it is open: whether reads and writes wait, whether they spin
 * before parking, and the pipe's capacity. These are the only options of an anonymous
 * {@link Pipe} and of an {@linkplain Inherited inherited descriptor} (both are open already, so
 * there is nothing to wait for); {@link ReaderOptions}, {@link WriterOptions} and
 * {@link ReadWriteOptions} carry them too ({@code io(PipeOptions)}), beside the options of
 * opening. Immutable: each method returns a changed copy.
 *
 * <pre>{@code
 * try (Pipe pipe = Pipe.open(PipeOptions.defaults().maxCapacity())) { ... }
 * }</pre>
 */
public final class PipeOptions {
    private static final PipeOptions DEFAULTS = new PipeOptions(false, Duration.ZERO, Capacity.UNCHANGED);

    /** What to do with the pipe's capacity once the end is open. */
    record Capacity(int bytes, boolean raiseToMax) {
        static final Capacity UNCHANGED = new Capacity(0, false);
        static final Capacity MAX = new Capacity(0, true);
    }

    private final boolean nonBlocking;
    private final Duration spin;
    private final Capacity capacity;

    private PipeOptions(boolean nonBlocking, Duration spin, Capacity capacity) {
        this.nonBlocking = nonBlocking;
        this.spin = spin;
        this.capacity = capacity;
    }

    /**
     * Blocking reads and writes, no spinning, the capacity left as the kernel made it.
     *
     * @return the default options
     */
    public static PipeOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Reads and writes never wait: a read with nothing queued returns 0, a write that does not
     * fit returns what fitted (0 for a write of at most PIPE_BUF bytes that does not fit whole).
     *
     * @return a copy with non-blocking I/O
     */
    public PipeOptions nonBlocking() {
        return new PipeOptions(true, spin, capacity);
    }

    /**
     * Before parking in a read or write that would wait, re-try for this long, busy. Trades CPU
     * for the lowest round-trip latency; {@link Duration#ZERO} (the default) parks at once.
     *
     * @param busyWait how long to spin
     * @return a copy that spins for {@code busyWait}
     * @throws NullPointerException     {@code busyWait} is null
     * @throws IllegalArgumentException {@code busyWait} is negative
     */
    public PipeOptions spin(Duration busyWait) {
        Objects.requireNonNull(busyWait, "busyWait");
        if (busyWait.isNegative()) {
            throw new IllegalArgumentException("negative spin: " + busyWait);
        }
        return new PipeOptions(nonBlocking, busyWait, capacity);
    }

    /**
     * Once open, sets the pipe's capacity to at least {@code bytes} (F_SETPIPE_SZ; the kernel
     * rounds up to a power-of-two number of pages). For bulk transfers a writer that finds room
     * for several of its writes sleeps and wakes far less often. The capacity belongs to the
     * pipe: every end sees it, until the last end closes. The open fails with
     * {@link dev.fifokit.PipeCapacityException} if the kernel refuses (above
     * {@code /proc/sys/fs/pipe-max-size} without CAP_SYS_RESOURCE, or below the bytes queued).
     * Replaces an earlier {@link #maxCapacity()}.
     *
     * @param bytes the capacity wanted
     * @return a copy that sets the capacity
     * @throws IllegalArgumentException {@code bytes} is not positive
     */
    public PipeOptions capacity(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + bytes);
        }
        return new PipeOptions(nonBlocking, spin, new Capacity(bytes, false));
    }

    /**
     * Once open, raises the pipe's capacity to {@code /proc/sys/fs/pipe-max-size} (1 MiB unless
     * the administrator changed it) when that is more than it has. Best effort: a refusal (the
     * per-user pipe page quota, say) leaves the capacity as it was and is not an error.
     * Replaces an earlier {@link #capacity(int)}.
     *
     * @return a copy that raises the capacity
     */
    public PipeOptions maxCapacity() {
        return new PipeOptions(nonBlocking, spin, Capacity.MAX);
    }

    boolean isNonBlocking() {
        return nonBlocking;
    }

    Duration spinDuration() {
        return spin;
    }

    Capacity capacityRequest() {
        return capacity;
    }
}
