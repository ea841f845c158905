package dev.fifokit.ends;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How to open a FIFO for reading ({@link FifoReader#open(java.nio.file.Path, ReaderOptions)},
 * {@link dev.fifokit.files.Fifo#openReader(ReaderOptions)}). Immutable: each method returns a
 * changed copy.
 *
 * <pre>{@code
 * ReaderOptions o = ReaderOptions.defaults().timeout(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>By default the open waits without limit for a writer (as open(2) does), refuses a symbolic
 * link at the path, and the end's I/O is as {@link PipeOptions#defaults()}.
 */
public final class ReaderOptions implements FifoOpenOptions {
    private static final ReaderOptions DEFAULTS = new ReaderOptions(new Draft());

    /** The fields of a copy being changed, so that each method names only what it changes. */
    private static final class Draft {
        Duration timeout;
        boolean awaitWriter = true;
        boolean keepAlive;
        boolean followSymlinks;
        PipeOptions pipe = PipeOptions.defaults();
    }

    private final Duration timeout;
    private final boolean awaitWriter;
    private final boolean keepAlive;
    private final boolean followSymlinks;
    private final PipeOptions pipe;

    private ReaderOptions(Draft d) {
        this.timeout = d.timeout;
        this.awaitWriter = d.awaitWriter;
        this.keepAlive = d.keepAlive;
        this.followSymlinks = d.followSymlinks;
        this.pipe = d.pipe;
    }

    private ReaderOptions with(Consumer<Draft> change) {
        Draft d = new Draft();
        d.timeout = timeout;
        d.awaitWriter = awaitWriter;
        d.keepAlive = keepAlive;
        d.followSymlinks = followSymlinks;
        d.pipe = pipe;
        change.accept(d);
        return new ReaderOptions(d);
    }

    /**
     * Wait for a writer without limit, refuse symbolic links, blocking I/O, no keep-alive.
     *
     * @return the default options
     */
    public static ReaderOptions defaults() {
        return DEFAULTS;
    }

    /**
     * How long the open waits for a writer; past it the open fails with
     * {@link dev.fifokit.PeerTimeoutException}. The default is no limit.
     *
     * @param limit the longest wait
     * @return a copy with this limit
     * @throws NullPointerException     {@code limit} is null
     * @throws IllegalArgumentException {@code limit} is negative
     */
    public ReaderOptions timeout(Duration limit) {
        Duration checked = Opening.checkTimeout(limit);
        return with(d -> d.timeout = checked);
    }

    /**
     * Whether the open waits for a writer (default true, as open(2) does). With false the open
     * returns at once and the first read waits for data or end of stream.
     *
     * @param wait whether to wait
     * @return a copy that waits, or does not
     */
    public ReaderOptions awaitWriter(boolean wait) {
        return with(d -> d.awaitWriter = wait);
    }

    /**
     * The reader also holds a write end, so writers may come and go without the reader ever
     * seeing end of stream; the open then never waits. <b>Hazard:</b> {@code read} never
     * returns -1 while the end is open: the classic "unneeded O_RDWR open", made explicit.
     *
     * @return a copy that keeps the FIFO alive
     */
    public ReaderOptions keepAlive() {
        return with(d -> d.keepAlive = true);
    }

    /**
     * Follow a symbolic link at the path (default: refuse it with
     * {@link dev.fifokit.SymlinkException}).
     *
     * @return a copy that follows links
     */
    public ReaderOptions followSymlinks() {
        return with(d -> d.followSymlinks = true);
    }

    /**
     * The end's I/O options once open: non-blocking mode, spinning and capacity; see
     * {@link PipeOptions}. The default is {@link PipeOptions#defaults()}.
     *
     * @param io non-blocking mode, spinning and capacity
     * @return a copy with these I/O options
     * @throws NullPointerException {@code io} is null
     */
    public ReaderOptions io(PipeOptions io) {
        Objects.requireNonNull(io, "io");
        return with(d -> d.pipe = io);
    }

    Duration openTimeout() {
        return timeout;
    }

    boolean isAwaitWriter() {
        return awaitWriter;
    }

    boolean isKeepAlive() {
        return keepAlive;
    }

    boolean isFollowSymlinks() {
        return followSymlinks;
    }

    /**
     * The I/O options these carry: what applies to an end that is already open, such as an
     * {@linkplain Inherited inherited descriptor}.
     *
     * @return non-blocking mode, spinning and capacity
     */
    public PipeOptions io() {
        return pipe;
    }
}
