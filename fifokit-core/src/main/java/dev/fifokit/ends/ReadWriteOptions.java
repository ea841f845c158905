package dev.fifokit.ends;

import java.time.Duration;
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
     * The end's I/O options, all four at once; see {@link PipeOptions}.
     *
     * @param io non-blocking mode, spinning and capacity
     * @return a copy with these I/O options
     * @throws NullPointerException {@code io} is null
     */
    public ReadWriteOptions io(PipeOptions io) {
        return new ReadWriteOptions(followSymlinks, Objects.requireNonNull(io, "io"));
    }

    /**
     * Reads and writes never wait; see {@link PipeOptions#nonBlocking()}.
     *
     * @return a copy with non-blocking I/O
     */
    public ReadWriteOptions nonBlocking() {
        return io(pipe.nonBlocking());
    }

    /**
     * Spin before parking; see {@link PipeOptions#spin(Duration)}.
     *
     * @param busyWait how long to spin
     * @return a copy that spins
     * @throws NullPointerException     {@code busyWait} is null
     * @throws IllegalArgumentException {@code busyWait} is negative
     */
    public ReadWriteOptions spin(Duration busyWait) {
        return io(pipe.spin(busyWait));
    }

    /**
     * Set the pipe's capacity once open; see {@link PipeOptions#capacity(int)}.
     *
     * @param bytes the capacity wanted
     * @return a copy that sets the capacity
     * @throws IllegalArgumentException {@code bytes} is not positive
     */
    public ReadWriteOptions capacity(int bytes) {
        return io(pipe.capacity(bytes));
    }

    /**
     * Raise the pipe's capacity to the system maximum once open, best effort; see
     * {@link PipeOptions#maxCapacity()}.
     *
     * @return a copy that raises the capacity
     */
    public ReadWriteOptions maxCapacity() {
        return io(pipe.maxCapacity());
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
