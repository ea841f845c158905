package dev.fifokit.ends;

import dev.fifokit.FifoException;
import dev.fifokit.PeerTimeoutException;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.FifoPaths;
import dev.fifokit.internal.linux.Flags;
import dev.fifokit.internal.linux.PipeFd;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The reading end of a FIFO or pipe.
 *
 * <p><b>Opening</b> ({@link #open(Path, ReaderOptions)}) never sits in open(2): the descriptor
 * is opened non-blocking at once, so writers can open too, and then, unless
 * {@link ReaderOptions#awaitWriter(boolean) awaitWriter(false)}, the call waits until a writer
 * has opened the FIFO, up to the {@linkplain ReaderOptions#timeout(Duration) timeout}.
 *
 * <p><b>Reading</b> blocks until bytes are queued and returns what is there (a short count is
 * normal). It returns -1 once every writer has closed. A reader opened before any writer
 * waits for the first one instead of returning -1 at once. After -1,
 * {@link #awaitNextWriter(Duration)} waits for the next writer on the same end, without a
 * busy loop on POLLHUP.
 *
 * <pre>{@code
 * try (FifoReader in = FifoReader.open(Path.of("/tmp/p"), ReaderOptions.defaults().timeout(Duration.ofSeconds(5)))) {
 *     byte[] buf = new byte[8192];
 *     for (int n; (n = in.read(buf, 0, buf.length)) > 0; ) {
 *         System.out.write(buf, 0, n);
 *     }
 * }
 * }</pre>
 *
 * @see FifoEnd for what blocks and what a close or interrupt does to a waiting thread
 */
public final class FifoReader extends FifoEnd implements ReadableByteChannel {
    private final boolean anonymous;

    FifoReader(Path path, PipeFd fd, PipeOptions options, boolean anonymous) {
        super(path, fd, options);
        this.anonymous = anonymous;
    }

    /**
     * Opens {@code path} for reading with the default options: blocks until a writer opens the
     * FIFO, without limit.
     *
     * @param path the FIFO
     * @return the reader
     * @throws IOException as {@link #open(Path, ReaderOptions)}
     */
    public static FifoReader open(Path path) throws IOException {
        return open(path, ReaderOptions.defaults());
    }

    /**
     * Opens {@code path} for reading. Blocks until a writer opens the FIFO, unless the options
     * say not to wait or to keep the FIFO alive, and at most for their timeout.
     *
     * @param path    the FIFO
     * @param options how to open it
     * @return the reader
     * @throws dev.fifokit.NoSuchFifoException       the path does not exist
     * @throws dev.fifokit.NotAFifoException         it exists and is not a FIFO
     * @throws dev.fifokit.SymlinkException          it is a symlink and links are not followed
     * @throws dev.fifokit.FifoAccessDeniedException no read permission
     * @throws PeerTimeoutException                  no writer came within the timeout
     * @throws dev.fifokit.FifoInterruptedException  interrupted while waiting for a writer
     * @throws dev.fifokit.DescriptorLimitException  out of descriptors
     */
    public static FifoReader open(Path path, ReaderOptions options) throws IOException {
        return (FifoReader) Opening.open(path, options, end -> { });
    }

    @Override
    void connect(FifoPaths.Handle pinned, FifoOpenOptions openOptions, long deadline) throws IOException {
        ReaderOptions options = (ReaderOptions) openOptions;
        Opening.attach(this, pinned, options.isFollowSymlinks(), Flags.O_RDONLY, "open for reading");
        if (options.isKeepAlive()) {
            int k = fd.holdWriteEnd();
            if (k < 0) {
                throw reopenFailure(k, "open the keep-alive write end");
            }
        } else if (options.isAwaitWriter()) {
            awaitWriter(pinned.fd(), deadline, options.openTimeout());
        }
    }

    /**
     * Reads into {@code dst} from its position; see the class comment for -1 and 0. Blocks
     * until bytes are queued or the last writer has gone, unless the end is non-blocking.
     *
     * @param dst where the bytes go
     * @return bytes read, 0 (non-blocking, nothing queued) or -1 at end of stream
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        return readBuffer(dst);
    }

    /**
     * Reads up to {@code len} bytes into {@code b}; blocks as {@link #read(ByteBuffer)}.
     *
     * @param b   where the bytes go
     * @param off the first index in {@code b} to fill
     * @param len the most bytes to read
     * @return bytes read, 0 (non-blocking, nothing queued) or -1 at end of stream
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    public int read(byte[] b, int off, int len) throws IOException {
        return readArray(b, off, len);
    }

    /**
     * Reads into a memory segment (heap or native) without any copy; blocks as
     * {@link #read(ByteBuffer)}.
     *
     * @param dst where the bytes go
     * @return bytes read, 0 (non-blocking, nothing queued) or -1 at end of stream
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    public long read(MemorySegment dst) throws IOException {
        return readSegment(dst);
    }

    /**
     * After end of stream, waits for the next writer on this same end. The descriptor is
     * re-opened in place (same number, same FIFO even if it was renamed or unlinked), so the
     * kernel stops reporting the old hang-up and the wait burns no CPU.
     *
     * @param timeout how long to wait, or null for no limit
     * @throws PeerTimeoutException no writer came in time
     * @throws FifoException        the end is an anonymous pipe, or the re-open failed
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    public void awaitNextWriter(Duration timeout) throws IOException {
        if (anonymous) {
            throw new FifoException(path, "an anonymous pipe has no next writer");
        }
        long deadline = timeout == null ? PipeFd.NO_DEADLINE : System.nanoTime() + timeout.toNanos();
        readLock.lock();
        try {
            enter();
            int r = fd.reopenForRead();
            if (r < 0) {
                throw reopenFailure(r, "re-open for the next writer");
            }
            awaitWriter(fd.fd(), deadline, timeout);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Moves up to {@code count} bytes into {@code target} with splice(2) when the target is a
     * fifokit end (no copy through user space), else through a direct buffer. Blocks like
     * {@code read}. Stops at end of stream.
     *
     * @param target where the bytes go
     * @param count  the most bytes to move
     * @return bytes moved
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    public long transferTo(WritableByteChannel target, long count) throws IOException {
        if (target instanceof FifoWriter || target instanceof FifoReadWrite) {
            return Transfer.splice(this, (FifoEnd) target, count);
        }
        return Transfer.copy(this, target, count);
    }

    /**
     * Moves everything until end of stream into {@code file} (created or truncated), with
     * splice(2). Blocks until the last writer has gone.
     *
     * @param file the file to write
     * @return bytes moved
     * @throws FifoException the file cannot be opened or written
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    public long transferTo(Path file) throws IOException {
        int out = FifoPaths.openFile(file, Flags.O_WRONLY | Flags.O_CREAT | Flags.O_TRUNC, 0644);
        if (out < 0) {
            throw Errors.of(file, -out, "open for writing");
        }
        try {
            return Transfer.spliceToDescriptor(this, out, file, Long.MAX_VALUE);
        } finally {
            FifoPaths.close(out);
        }
    }

    /**
     * Moves up to {@code count} bytes into a raw descriptor with splice(2), falling back to a
     * copy when the kernel cannot splice into it (standard output, say). Blocks until bytes
     * are queued and the descriptor has room, and stops at end of stream.
     *
     * @param out   the descriptor, which stays open
     * @param count the most bytes to move
     * @return bytes moved
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    public long transferToDescriptor(int out, long count) throws IOException {
        return Transfer.spliceToDescriptor(this, out, null, count);
    }

    /**
     * An {@link InputStream} over this end, without extra buffering; closing it closes the end.
     * Its reads block as {@link #read(ByteBuffer)}.
     *
     * @return the stream
     */
    public InputStream inputStream() {
        return new EndStreams.In(this);
    }

    @Override
    boolean isEndOfStreamWithoutHup() {
        return anonymous;
    }

    /**
     * Waits until a writer has the FIFO open, counting one that came and already left. The
     * thread registers to be woken before each check, so an open that happens between the check
     * and the wait still wakes it.
     */
    private void awaitWriter(int pathFd, long deadline, Duration timeout) throws IOException {
        if (writerPresent()) {
            return;
        }
        int watch = fd.watchOpens(pathFd);
        try {
            while (true) {
                fd.prepareAwaitPeer();
                if (writerPresent()) {
                    return;
                }
                int r = PipeFd.CLOSED;
                beginWait();
                try {
                    // a writer's open completes at once (we are a reader), so inotify sees it;
                    // without a watch, re-check every 50 ms
                    r = fd.awaitPeer(Flags.POLLIN, deadline, watch >= 0 ? Long.MAX_VALUE : 50_000_000L);
                } finally {
                    endWait(r != PipeFd.CLOSED);
                }
                if (r < 0) {
                    throw Errors.of(path, -r, "wait for a writer");
                }
                if (r == PipeFd.TIMEOUT && !writerPresent()) {
                    throw new PeerTimeoutException(path, PeerTimeoutException.Side.WRITER, timeout);
                }
            }
        } finally {
            fd.finishAwaitPeer();
            fd.unwatch(watch);
        }
    }

    /** True when a writer is open, has written, or came and went. Never blocks. */
    private boolean writerPresent() throws IOException {
        if (pushback >= 0) {
            return true;
        }
        int avail = fd.available();
        if (avail > 0) {
            return true;
        }
        if ((fd.pollNow(Flags.POLLIN, false) & (Flags.POLLHUP | Flags.POLLIN)) != 0) {
            return true;
        }
        long n = fd.readProbe();
        if (n == 1) {
            pushback = fd.probeByte();
            return true;
        }
        if (n == -Errors.EAGAIN) {
            return true; // a writer is open, the pipe is just empty
        }
        if (n == 0) {
            return false;
        }
        throw failure(n, "read");
    }

    /** Waits (interruptibly, cancellably by close) until the pipe has bytes or hangs up. */
    void awaitReadable() throws IOException {
        enter();
        waitFor(Flags.POLLIN, false, PipeFd.NO_DEADLINE);
    }

    /** Hands out the byte the writer-probe held back, or -1; the caller holds the read lock. */
    int takeHeldBack() {
        int b = pushback;
        pushback = -1;
        return b;
    }

    @Override
    int heldBack() {
        return pushback >= 0 ? 1 : 0;
    }


}
