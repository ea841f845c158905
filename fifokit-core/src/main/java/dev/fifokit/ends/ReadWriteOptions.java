package dev.fifokit.ends;

import java.util.Objects;

/**
 * How to open a FIFO for reading and writing at once
 * ({@link FifoReadWrite#open(java.nio.file.Path, ReadWriteOptions)},
 * {@link dev.fifokit.files.Fifo#openReadWrite(ReadWriteOptions)}). Such an open never waits, so
 * there is no timeout. Immutable: each method returns a changed copy.
 */
public final class ReadWriteOptions implements FifoOpenOptions {
    private static final ReadWriteOptions DEFAULTS = new ReadWriteOptions(false, PipeOptions.defaults());

    private final boolean followSymlinks;
    private final PipeOptions pipe;

    private ReadWriteOptions(boolean followSymlinks, PipeOptions pipe) {
        this.followSymlinks = followSymlinks;
        this.pipe = pipe;
    }

    /**
     * Refuse symbolic links, blocking I/O.
     *
     * @return the default options
     */
    public static ReadWriteOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Follow a symbolic link at the path (default: refuse it with
     * {@link dev.fifokit.SymlinkException}).
     *
     * @return a copy that follows links
     */
    public ReadWriteOptions followSymlinks() {
        return new ReadWriteOptions(true, pipe);
    }

    /**
     * The end's I/O options once open: non-blocking mode, spinning and capacity; see
     * {@link PipeOptions}. The default is {@link PipeOptions#defaults()}.
     *
     * @param io non-blocking mode, spinning and capacity
     * @return a copy with these I/O options
     * @throws NullPointerException {@code io} is null
     */
    public ReadWriteOptions io(PipeOptions io) {
        return new ReadWriteOptions(followSymlinks, Objects.requireNonNull(io, "io"));
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
