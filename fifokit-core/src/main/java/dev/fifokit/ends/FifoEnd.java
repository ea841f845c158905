package dev.fifokit.ends;

import dev.fifokit.FifoClosedException;
import dev.fifokit.FifoException;
import dev.fifokit.FifoInterruptedException;
import dev.fifokit.Limits;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.FifoPaths;
import dev.fifokit.internal.linux.Flags;
import dev.fifokit.internal.linux.PipeFd;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What every end of a FIFO or pipe has: its path, the pipe's capacity and queued bytes, and
 * closing. The direction is in the subtype: {@link FifoReader}, {@link FifoWriter} and the
 * explicit {@link FifoReadWrite}.
 *
 * <p><b>Blocking.</b> Underneath, every descriptor is {@code O_NONBLOCK}. A blocking read or
 * write that must wait parks a virtual thread (its carrier stays free) or puts a platform
 * thread into poll(2); either way the wait ends when the pipe is ready, when another thread
 * calls {@link #close()} ({@link FifoClosedException}), or when the waiting thread is
 * interrupted ({@link FifoInterruptedException}; as for every interruptible NIO channel, the
 * end is then closed).
 *
 * <p><b>Threads.</b> Reads are serialised with each other, and so are writes; one thread
 * may read while another writes. {@link #close()} may be called from any thread at any time.
 *
 * <p><b>Closing is final.</b> When {@link #close()} returns, the descriptor is closed in the
 * kernel: the peer's next write fails with EPIPE and the peer's reader sees end of stream, even
 * when another thread was blocked in a read, write, transfer or open on this end (that thread
 * ends with {@link FifoClosedException}). To get there, close wakes every waiting thread and
 * waits for it to leave the system call it was in, up to 5 seconds
 * (only a call on a descriptor fifokit does not own, such as a transfer into a file on a hung
 * network file system, can take that long; the descriptor is then closed as soon as it returns).
 */
public abstract sealed class FifoEnd extends AbstractInterruptibleChannel
        permits FifoReader, FifoWriter, FifoReadWrite {

    final Path path;
    final PipeFd fd;
    final boolean nonBlocking;
    final long spinNanos;
    final ReentrantLock readLock = new ReentrantLock();
    final ReentrantLock writeLock = new ReentrantLock();
    private volatile Runnable onClose;
    /** What the open saw of the file; null for an end not opened by path. */
    volatile OpenedFile openedFile;

    /** How long {@link #close()} waits for threads to leave a call on the descriptor. */
    static final int CLOSE_BOUND_SECONDS = 5;

    static {
        dev.fifokit.internal.ends.EndOpening.install(Opening::open);
    }

    FifoEnd(Path path, PipeFd fd, PipeOptions options) {
        this.path = path;
        this.fd = fd;
        this.nonBlocking = options.isNonBlocking();
        this.spinNanos = options.spinDuration().toNanos();
    }

    /**
     * The FIFO's path as given when it was opened. Never blocks.
     *
     * @return the path, or {@code null} for an anonymous pipe
     */
    public final Path path() {
        return path;
    }

    /**
     * Whether reads and writes never wait (see {@link PipeOptions#nonBlocking()}). Never blocks.
     *
     * @return true for a non-blocking end
     */
    public final boolean isNonBlocking() {
        return nonBlocking;
    }

    /**
     * The pipe's capacity in bytes (F_GETPIPE_SZ); 65536 unless someone changed it. Never
     * blocks.
     *
     * @return the capacity
     * @throws FifoException the end is closed, or the kernel refused to tell
     */
    public final int capacity() throws FifoException {
        enterControl();
        int r = fd.capacity();
        if (r < 0) {
            throw controlFailure(r, "get pipe capacity");
        }
        return r;
    }

    /**
     * Sets the pipe's capacity (F_SETPIPE_SZ). The kernel rounds up to a power-of-two number of
     * pages; the size belongs to the pipe, so every end sees it, and it is lost when the last
     * end closes. Never blocks.
     *
     * @param bytes the capacity wanted
     * @return the capacity now in force
     * @throws IllegalArgumentException {@code bytes} is not positive
     * @throws dev.fifokit.PipeCapacityException above {@code /proc/sys/fs/pipe-max-size} without
     *         CAP_SYS_RESOURCE, or below the bytes already queued
     * @throws FifoException the end is closed
     */
    public final int setCapacity(int bytes) throws FifoException {
        if (bytes <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + bytes);
        }
        enterControl();
        int r = fd.setCapacity(bytes);
        if (r >= 0) {
            return r;
        }
        if (fd.isClosed()) {
            throw closedControl();
        }
        throw Errors.capacity(path, -r, bytes, Limits.pipeMaxSize());
    }

    /**
     * Applies {@link PipeOptions#capacity(int)} or {@link PipeOptions#maxCapacity()} once the
     * descriptor is open (perf: fewer sleep/wake cycles for bulk writers).
     */
    final void applyCapacity(PipeOptions options) throws FifoException {
        PipeOptions.Capacity want = options.capacityRequest();
        if (want.bytes() > 0) {
            setCapacity(want.bytes());
        } else if (want.raiseToMax()) {
            long max = Limits.pipeMaxSize();
            if (max > 0 && max <= Integer.MAX_VALUE && max > fd.capacity()) {
                fd.setCapacity((int) max); // best effort: a refusal keeps the capacity it had
            }
        }
    }

    /**
     * Bytes that can be read right now without waiting: those queued in the pipe (FIONREAD),
     * plus the byte a reader took out of the pipe while checking for a writer and hands out
     * with its next read. Never blocks.
     *
     * @return the bytes a read can take now
     * @throws FifoException the end is closed, or the kernel refused to tell
     */
    public final int available() throws FifoException {
        enterControl();
        int r = fd.available();
        if (r < 0) {
            throw controlFailure(r, "FIONREAD");
        }
        return r + heldBack();
    }

    /**
     * PIPE_BUF for this pipe (fpathconf): writes of at most this many bytes are atomic. Never
     * blocks.
     *
     * @return PIPE_BUF, or the POSIX minimum when the kernel does not say
     * @throws FifoException the end is closed
     */
    public final int pipeBuf() throws FifoException {
        enterControl();
        long r = fd.pipeBuf();
        return r > 0 ? (int) r : Limits.PIPE_BUF_POSIX_MIN;
    }

    /**
     * The raw descriptor, for interop with code that needs a number (another FFM call, a child
     * process). It stays owned by this end: do not close it, and do not use it after close.
     * Never blocks.
     *
     * @return the descriptor number
     */
    public final int descriptor() {
        return fd.fd();
    }

    /**
     * The file this end was opened on, as the open checked it (type, owner, link count, device
     * and inode), without another system call: the facts were read when the end was opened and
     * are not refreshed. Never blocks.
     *
     * @return the facts, or {@code null} for an end not opened by path (an anonymous pipe, an
     *         inherited descriptor)
     */
    public final OpenedFile openedFile() {
        return openedFile;
    }

    /** Runs {@code action} once, after this end is closed (used to unlink a created FIFO). */
    final void onClose(Runnable action) {
        this.onClose = action;
    }

    /**
     * Closes the descriptor for good (see the class comment). Runs once, under the channel's
     * close lock, from {@link #close()} or, after {@link Thread#interrupt()}, from the
     * interrupting thread.
     */
    @Override
    protected final void implCloseChannel() {
        fd.close(CLOSE_BOUND_SECONDS * 1_000_000_000L);
        Runnable r = onClose;
        if (r != null) {
            onClose = null;
            r.run();
        }
    }

    /**
     * Connects an end made unconnected by {@link Opening} to the FIFO behind {@code pathFd},
     * waiting for the peer as the options say. A close from another thread ends the wait.
     */
    abstract void connect(FifoPaths.Handle pinned, FifoOpenOptions options, long deadline) throws IOException;

    /** Closes this end, for the paths where there is nobody to report a failure to. */
    final void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // closing a pipe end cannot fail in a way the caller could act on
        }
    }

    /** Fails at once when the end is closed. */
    final void enter() throws FifoClosedException {
        if (fd.isClosed()) {
            throw closedError();
        }
    }

    /**
     * The closed check of the control calls (capacity, bytes queued, PIPE_BUF). They are not
     * channel operations and keep to {@link FifoException}: a closed end is reported as a
     * {@code FifoException} whose reason is "the end is closed".
     */
    final void enterControl() throws FifoException {
        if (fd.isClosed()) {
            throw closedControl();
        }
    }

    final FifoException closedControl() {
        return new FifoException(path, "the end is closed");
    }

    /** The result of a control call, or its error ({@link #enterControl()}). */
    final FifoException controlFailure(long n, String operation) {
        if (fd.isClosed()) {
            return closedControl();
        }
        return Errors.of(path, (int) -n, operation);
    }

    /** As {@link #failure}, for a call that re-opens the FIFO (it may need /proc). */
    final IOException reopenFailure(long n, String operation) {
        if (fd.isClosed()) {
            return closedError();
        }
        return Errors.ofReopen(path, (int) -n, operation);
    }

    /** The error for an operation that found this end closed. */
    final FifoClosedException closedError() {
        return new FifoClosedException(path, "the end is closed");
    }

    /** The error for a failed call's result {@code n} (-errno); closed when the end was closed. */
    final IOException failure(long n, String operation) {
        if (fd.isClosed()) {
            return closedError();
        }
        return Errors.of(path, (int) -n, operation);
    }

    /** A byte read out of the pipe that the next read hands out first (readers only). */
    int heldBack() {
        return 0;
    }

    // ---- the blocking loops shared by the readers and writers ----

    /**
     * Reads up to {@code seg.byteSize()} bytes. Returns the count, -1 at end of stream (every
     * writer has gone), or 0 only in non-blocking mode when nothing is queued.
     */
    final long readSegment(MemorySegment seg) throws IOException {
        long len = seg.byteSize();
        if (len == 0) {
            return 0;
        }
        readLock.lock();
        try {
            enter();
            return readLocked(seg, len);
        } finally {
            readLock.unlock();
        }
    }

    /** A byte the reader's writer-probe took out of the pipe; handed out by the next read. */
    volatile int pushback = -1;

    long readLocked(MemorySegment seg, long len) throws IOException {
        if (pushback >= 0) {
            seg.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) pushback);
            pushback = -1;
            long more = len > 1 ? fd.read(seg.asSlice(1), len - 1) : 0;
            return more > 0 ? more + 1 : 1;
        }
        long spinUntil = spinNanos > 0 ? System.nanoTime() + spinNanos : 0;
        while (true) {
            long n = fd.read(seg, len);
            if (n > 0) {
                return n;
            }
            if (n == 0) {
                // read(2) returns 0 both when every writer left and when none has come yet;
                // only the first gives POLLHUP.
                if (atEndOfStream()) {
                    return -1;
                }
                if (nonBlocking) {
                    return 0;
                }
            } else if (n == -Errors.EAGAIN) {
                if (nonBlocking) {
                    return 0;
                }
            } else if (n != -Errors.EINTR) {
                throw failure(n, "read");
            }
            if (spinUntil != 0 && System.nanoTime() - spinUntil < 0) {
                Thread.onSpinWait();
                continue;
            }
            waitFor(Flags.POLLIN, false, PipeFd.NO_DEADLINE);
        }
    }

    /** After read(2) or splice(2) returned 0: true when every writer has gone (POLLHUP). */
    final boolean atEndOfStream() {
        int revents = fd.pollNow(Flags.POLLIN, false);
        if ((revents & Flags.POLLIN) != 0) {
            // a writer came, wrote and left between read(2) returning 0 and this poll: POLLHUP
            // is set, but its bytes are queued and must be read first
            return false;
        }
        return (revents & Flags.POLLHUP) != 0 || isEndOfStreamWithoutHup();
    }

    /** An anonymous pipe whose writer is gone reports EOF even before any POLLHUP rule applies. */
    boolean isEndOfStreamWithoutHup() {
        return false;
    }

    /**
     * Writes all of {@code seg} (blocking mode) or what fits now (non-blocking mode). A segment
     * of at most PIPE_BUF bytes goes out in exactly one write(2), so it is never interleaved
     * with another writer's data.
     */
    final long writeSegment(MemorySegment seg) throws IOException {
        long len = seg.byteSize();
        if (len == 0) {
            return 0;
        }
        writeLock.lock();
        try {
            enter();
            return writeLocked(seg, len);
        } finally {
            writeLock.unlock();
        }
    }

    private long writeLocked(MemorySegment seg, long len) throws IOException {
        long done = 0;
        long spinUntil = spinNanos > 0 ? System.nanoTime() + spinNanos : 0;
        while (true) {
            long n = fd.write(done == 0 ? seg : seg.asSlice(done), len - done);
            if (n > 0) {
                done += n;
                if (done == len || nonBlocking) {
                    return done;
                }
                // perf: a short count means the pipe is full now; wait for room rather than
                // make a write(2) that can only fail with EAGAIN (spinning still re-tries)
                if (spinUntil == 0) {
                    waitFor(Flags.POLLOUT, true, PipeFd.NO_DEADLINE);
                }
                continue;
            }
            if (n == -Errors.EAGAIN) {
                if (nonBlocking) {
                    return done;
                }
            } else if (n != -Errors.EINTR && n != 0) {
                if (fd.isClosed()) {
                    throw closedError();
                }
                throw Errors.ofWrite(path, (int) -n, "write", done);
            }
            if (spinUntil != 0 && System.nanoTime() - spinUntil < 0) {
                Thread.onSpinWait();
                continue;
            }
            waitFor(Flags.POLLOUT, true, PipeFd.NO_DEADLINE);
        }
    }

    /**
     * Waits, interruptibly, for {@code events}. Returns normally when the operation should be
     * re-tried, throws when the end was closed or the thread interrupted.
     */
    final int waitFor(short events, boolean writeSide, long deadline) throws IOException {
        int r = PipeFd.CLOSED;
        begin();
        try {
            r = fd.await(events, deadline, Long.MAX_VALUE, writeSide);
        } finally {
            endWait(r != PipeFd.CLOSED);
        }
        if (r < 0) {
            throw Errors.of(path, -r, "wait");
        }
        return r;
    }

    /**
     * As {@link #waitFor}, and also ends (with the closed error) when {@code other} is closed:
     * a transfer between two ends waits on one of them and must stop when either closes.
     */
    final void waitForEither(short events, boolean writeSide, FifoEnd other, boolean otherWriteSide)
            throws IOException {
        int r = PipeFd.CLOSED;
        begin();
        try {
            r = fd.awaitAlso(events, PipeFd.NO_DEADLINE, writeSide, other.fd, otherWriteSide);
        } finally {
            endWait(r != PipeFd.CLOSED || !fd.isClosed());
        }
        if (r == PipeFd.CLOSED) {
            throw other.closedError();
        }
        if (r < 0) {
            throw Errors.of(path, -r, "wait");
        }
    }

    /**
     * Waits, interruptibly and cancellably by close, until a descriptor fifokit does not own
     * reports {@code events}.
     */
    final void waitForForeign(int foreign, short events, boolean writeSide, java.nio.file.Path foreignPath)
            throws IOException {
        int r = PipeFd.CLOSED;
        begin();
        try {
            r = fd.awaitForeign(foreign, events, writeSide);
        } finally {
            endWait(r != PipeFd.CLOSED);
        }
        if (r < 0) {
            throw Errors.of(foreignPath, -r, "wait");
        }
    }

    /** {@link #end(boolean)} with its exceptions turned into fifokit's. */
    final void endWait(boolean completed) throws IOException {
        try {
            end(completed);
        } catch (ClosedByInterruptException e) {
            throw new FifoInterruptedException(path, "interrupted while waiting; the end is closed", e);
        } catch (AsynchronousCloseException e) {
            throw new FifoClosedException(path, "closed by another thread while waiting", e);
        }
        if (!completed) {
            throw new FifoClosedException(path, "closed while waiting");
        }
    }

    final void beginWait() {
        begin();
    }

    /**
     * FIFOs and pipes have no position: always throws, so that code written for files fails
     * loudly instead of reading a silent 0 (the JDK's {@code FileChannel.size()} is 0 here).
     *
     * @return never
     * @throws dev.fifokit.NotSeekableException always
     */
    public final long position() throws dev.fifokit.NotSeekableException {
        throw new dev.fifokit.NotSeekableException(path, "FIFOs and pipes are not seekable (ESPIPE)");
    }

    /**
     * FIFOs and pipes have no size either (bytes queued are {@link #available()}): always
     * throws, like {@link #position()}, instead of the 0 that {@code FileChannel.size()} reports
     * for a pipe.
     *
     * @return never
     * @throws dev.fifokit.NotSeekableException always
     */
    public final long size() throws dev.fifokit.NotSeekableException {
        throw new dev.fifokit.NotSeekableException(path, "FIFOs and pipes are not seekable and have no size (ESPIPE)");
    }

    // ---- the channel operations the reader, writer and read-write end share ----

    /** Reads into {@code dst} from its position and advances it; -1 at end of stream. */
    final int readBuffer(ByteBuffer dst) throws IOException {
        long n = readSegment(writable(dst));
        if (n > 0) {
            dst.position(dst.position() + (int) n);
        }
        return (int) n;
    }

    final int readArray(byte[] b, int off, int len) throws IOException {
        checkBounds(b, off, len);
        return (int) readSegment(MemorySegment.ofArray(b).asSlice(off, len));
    }

    /** Writes the remaining bytes of {@code src} (what fits, when non-blocking) and advances it. */
    final int writeBuffer(ByteBuffer src) throws IOException {
        long n = writeSegment(MemorySegment.ofBuffer(src));
        src.position(src.position() + (int) n);
        return (int) n;
    }

    final int writeArray(byte[] b, int off, int len) throws IOException {
        checkBounds(b, off, len);
        return (int) writeSegment(MemorySegment.ofArray(b).asSlice(off, len));
    }

    static MemorySegment writable(ByteBuffer dst) {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        return MemorySegment.ofBuffer(dst);
    }

    static void checkBounds(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
    }
}
