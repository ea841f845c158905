package dev.fifokit.ends;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How to open a FIFO for writing ({@link FifoWriter#open(java.nio.file.Path, WriterOptions)},
 * {@link dev.fifokit.files.Fifo#openWriter(WriterOptions)}). Immutable: each method returns a
 * changed copy.
 *
 * <pre>{@code
 * WriterOptions o = WriterOptions.defaults().failIfNoReader();
 * }</pre>
 *
 * <p>By default the open waits without limit for a reader (as open(2) does), refuses a symbolic
 * link at the path, and the end's I/O is as {@link PipeOptions#defaults()}.
 */
public final class WriterOptions implements FifoOpenOptions {
    private static final WriterOptions DEFAULTS = new WriterOptions(new Draft());

    /** The fields of a copy being changed, so that each method names only what it changes. */
    private static final class Draft {
        Duration timeout;
        boolean failIfNoReader;
        boolean followSymlinks;
        boolean trustedDirectory;
        PipeOptions pipe = PipeOptions.defaults();
    }

    private final Duration timeout;
    private final boolean failIfNoReader;
    private final boolean followSymlinks;
    private final boolean trustedDirectory;
    private final PipeOptions pipe;

    private WriterOptions(Draft d) {
        this.timeout = d.timeout;
        this.failIfNoReader = d.failIfNoReader;
        this.followSymlinks = d.followSymlinks;
        this.trustedDirectory = d.trustedDirectory;
        this.pipe = d.pipe;
    }

    private WriterOptions with(Consumer<Draft> change) {
        Draft d = new Draft();
        d.timeout = timeout;
        d.failIfNoReader = failIfNoReader;
        d.followSymlinks = followSymlinks;
        d.trustedDirectory = trustedDirectory;
        d.pipe = pipe;
        change.accept(d);
        return new WriterOptions(d);
    }

    /**
     * Wait for a reader without limit, refuse symbolic links, blocking I/O.
     *
     * @return the default options
     */
    public static WriterOptions defaults() {
        return DEFAULTS;
    }

    /**
     * How long the open waits for a reader; past it the open fails with
     * {@link dev.fifokit.PeerTimeoutException}. The default is no limit.
     *
     * @param limit the longest wait
     * @return a copy with this limit
     * @throws NullPointerException     {@code limit} is null
     * @throws IllegalArgumentException {@code limit} is negative
     */
    public WriterOptions timeout(Duration limit) {
        Duration checked = Opening.checkTimeout(limit);
        return with(d -> d.timeout = checked);
    }

    /**
     * When no process has the FIFO open for reading, fail at once with
     * {@link dev.fifokit.NoReaderException} instead of waiting for a reader.
     *
     * @return a copy that does not wait for a reader
     */
    public WriterOptions failIfNoReader() {
        return with(d -> d.failIfNoReader = true);
    }

    /**
     * Follow a symbolic link at the path (default: refuse it with
     * {@link dev.fifokit.SymlinkException}).
     *
     * @return a copy that follows links
     */
    public WriterOptions followSymlinks() {
        return with(d -> d.followSymlinks = true);
    }

    /**
     * Opens the path directly, for a FIFO in a directory that nobody but this process's user
     * (and root) can write: one {@code open(2)} with
     * {@code O_WRONLY|O_NONBLOCK|O_NOFOLLOW|O_NOCTTY|O_CLOEXEC}, then one fstat of the
     * descriptor, instead of pinning the path with an {@code O_PATH} handle, checking the handle
     * and re-opening it through {@code /proc/self/fd} (two system calls fewer, and one less
     * descriptor for a moment).
     *
     * <p>What stays as by default: a symbolic link at the path is refused
     * ({@link dev.fifokit.SymlinkException}, and {@link #followSymlinks()} is ignored); a file
     * that is not a FIFO is refused with {@link dev.fifokit.NotAFifoException}, its descriptor
     * closed before anything is written; {@link FifoEnd#openedFile()} tells the owner and the
     * link count. What is given up: the file is opened before it is checked, so the open of
     * whatever is at the path runs (a device's driver, a regular file's leases) even when the
     * end is then refused. That is why the directory must be one only trusted users can write.
     *
     * <p>The open never waits: with no reader it fails at once with
     * {@link dev.fifokit.NoReaderException}, as with {@link #failIfNoReader()}, whatever the
     * timeout says.
     *
     * @return a copy that opens directly
     */
    public WriterOptions trustedDirectory() {
        return with(d -> d.trustedDirectory = true);
    }

    /**
     * The end's I/O options once open: non-blocking mode, spinning and capacity; see
     * {@link PipeOptions}. The default is {@link PipeOptions#defaults()}.
     *
     * @param io non-blocking mode, spinning and capacity
     * @return a copy with these I/O options
     * @throws NullPointerException {@code io} is null
     */
    public WriterOptions io(PipeOptions io) {
        Objects.requireNonNull(io, "io");
        return with(d -> d.pipe = io);
    }

    Duration openTimeout() {
        return timeout;
    }

    boolean isFailIfNoReader() {
        return failIfNoReader;
    }

    boolean isFollowSymlinks() {
        return followSymlinks;
    }

    boolean isTrustedDirectory() {
        return trustedDirectory;
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
