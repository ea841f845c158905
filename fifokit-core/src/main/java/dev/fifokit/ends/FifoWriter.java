package dev.fifokit.ends;

import dev.fifokit.FifoException;
import dev.fifokit.NoReaderException;
import dev.fifokit.PeerTimeoutException;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.FifoPaths;
import dev.fifokit.internal.linux.Flags;
import dev.fifokit.internal.linux.PipeFd;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The writing end of a FIFO or pipe.
 *
 * <p><b>Opening</b> ({@link #open(Path, WriterOptions)}): when no process has the FIFO open for
 * reading, the open waits for one (default) up to the {@linkplain WriterOptions#timeout(Duration)
 * timeout}, or fails at once with {@link NoReaderException} with
 * {@link WriterOptions#failIfNoReader()}. The wait never sits in open(2): it re-tries a
 * non-blocking open each time inotify reports an open of the FIFO, and every 25 ms (a reader
 * that is itself blocked in open(2) is not reported by inotify until its open completes).
 *
 * <p><b>Writing</b> blocks until every byte is queued (a non-blocking end writes what fits).
 * A buffer of at most {@link #pipeBuf() PIPE_BUF} bytes is written with exactly one write(2),
 * so writers sharing a FIFO never interleave such writes. When the last reader goes away, the
 * write fails with {@link dev.fifokit.BrokenPipeException} (naming the path and the bytes
 * already accepted); the JVM is never killed by SIGPIPE.
 *
 * <pre>{@code
 * try (FifoWriter out = FifoWriter.open(Path.of("/tmp/p"), WriterOptions.defaults().failIfNoReader())) {
 *     out.write("hello\n".getBytes(StandardCharsets.UTF_8));
 * } catch (NoReaderException e) {
 *     // nobody is reading: retry later, or wait with a timeout instead
 * }
 * }</pre>
 */
public final class FifoWriter extends FifoEnd implements WritableByteChannel {
    /** Re-check period for a reader that inotify cannot report (blocked in its own open). */
    private static final long RETRY_NANOS = 25_000_000L;

    FifoWriter(Path path, PipeFd fd, PipeOptions options) {
        super(path, fd, options);
    }

    /**
     * Opens {@code path} for writing with the default options: blocks until a reader opens the
     * FIFO, without limit.
     *
     * @param path the FIFO
     * @return the writer
     * @throws IOException as {@link #open(Path, WriterOptions)}
     */
    public static FifoWriter open(Path path) throws IOException {
        return open(path, WriterOptions.defaults());
    }

    /**
     * Opens {@code path} for writing. Blocks until a reader opens the FIFO, unless the options
     * say to fail at once, and at most for their timeout.
     *
     * @param path    the FIFO
     * @param options how to open it
     * @return the writer
     * @throws dev.fifokit.NoSuchFifoException       the path does not exist
     * @throws dev.fifokit.NotAFifoException         it exists and is not a FIFO
     * @throws dev.fifokit.SymlinkException          it is a symlink and links are not followed
     * @throws dev.fifokit.FifoAccessDeniedException no write permission
     * @throws NoReaderException                     no reader, with {@code failIfNoReader}
     * @throws PeerTimeoutException                  no reader came within the timeout
     * @throws dev.fifokit.FifoInterruptedException  interrupted while waiting for a reader
     */
    public static FifoWriter open(Path path, WriterOptions options) throws IOException {
        return (FifoWriter) Opening.open(path, options, end -> { });
    }

    /**
     * Re-tries a non-blocking open for writing until a reader has the FIFO open: at once, each
     * time inotify reports an open of the FIFO, and every {@value #RETRY_NANOS} ns.
     */
    @Override
    void connect(FifoPaths.Handle pinned, FifoOpenOptions openOptions, long deadline) throws IOException {
        WriterOptions options = (WriterOptions) openOptions;
        int pathFd = pinned.fd();
        int watch = -1;
        boolean watching = false;
        try {
            while (true) {
                enter();
                fd.prepareAwaitPeer();
                int opened = FifoPaths.reopen(pathFd, path, pinned.stat(), options.isFollowSymlinks(), Flags.O_WRONLY);
                if (opened >= 0) {
                    if (!fd.attach(opened)) {
                        throw closedError();
                    }
                    return;
                }
                FifoException failed = Errors.of(path, -opened, "open for writing");
                if (!(failed instanceof NoReaderException) || options.isFailIfNoReader()) {
                    throw failed;
                }
                if (!watching) {
                    watch = fd.watchOpens(pathFd);
                    watching = true;
                    continue; // a reader may have come before the watch: try once more
                }
                int r = PipeFd.CLOSED;
                beginWait();
                try {
                    r = fd.awaitPeer((short) 0, deadline, RETRY_NANOS);
                } finally {
                    endWait(r != PipeFd.CLOSED);
                }
                if (r < 0) {
                    throw Errors.of(path, -r, "wait for a reader");
                }
                if (r == PipeFd.TIMEOUT) {
                    throw new PeerTimeoutException(path, PeerTimeoutException.Side.READER, options.openTimeout());
                }
            }
        } finally {
            fd.finishAwaitPeer();
            fd.unwatch(watch);
        }
    }

    /**
     * Writes the remaining bytes of {@code src}: all of them, blocking while the pipe is full,
     * unless the end is non-blocking.
     *
     * @param src the bytes, from its position
     * @return bytes written
     * @throws dev.fifokit.BrokenPipeException       every reader has gone; it says how many bytes went out
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        return writeBuffer(src);
    }

    /**
     * Writes {@code len} bytes of {@code b}, blocking as {@link #write(ByteBuffer)}; at most
     * PIPE_BUF bytes go out in one atomic write.
     *
     * @param b   the bytes
     * @param off the first index in {@code b} to write
     * @param len how many bytes to write
     * @return bytes written
     * @throws dev.fifokit.BrokenPipeException       every reader has gone; it says how many bytes went out
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    public int write(byte[] b, int off, int len) throws IOException {
        return writeArray(b, off, len);
    }

    /**
     * Writes all of {@code b}, blocking as {@link #write(ByteBuffer)}.
     *
     * @param b the bytes
     * @return bytes written
     * @throws dev.fifokit.BrokenPipeException       every reader has gone; it says how many bytes went out
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    public int write(byte[] b) throws IOException {
        return write(b, 0, b.length);
    }

    /**
     * Writes a memory segment (heap or native) without any copy, blocking as
     * {@link #write(ByteBuffer)}.
     *
     * @param src the bytes
     * @return bytes written
     * @throws dev.fifokit.BrokenPipeException       every reader has gone; it says how many bytes went out
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    public long write(MemorySegment src) throws IOException {
        return writeSegment(src);
    }

    /**
     * Moves bytes from {@code source} into this pipe; see {@link FifoReader#transferTo}.
     *
     * @param source where the bytes come from
     * @param count  the most bytes to move
     * @return bytes moved
     * @throws dev.fifokit.BrokenPipeException       every reader has gone; it says how many bytes went out
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    public long transferFrom(FifoReader source, long count) throws IOException {
        return source.transferTo(this, count);
    }

    /**
     * Moves a whole file into this pipe with splice(2), blocking while the pipe is full.
     *
     * @param file the file to read
     * @return bytes moved
     * @throws dev.fifokit.BrokenPipeException       every reader has gone; it says how many bytes went out
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    public long transferFrom(Path file) throws IOException {
        int in = FifoPaths.openFile(file, Flags.O_RDONLY, 0);
        if (in < 0) {
            throw Errors.of(file, -in, "open for reading");
        }
        try {
            return Transfer.spliceFromDescriptor(this, in, Long.MAX_VALUE);
        } finally {
            FifoPaths.close(in);
        }
    }

    /**
     * Moves up to {@code count} bytes from a raw descriptor (a file, socket or pipe) into this
     * pipe with splice(2), or by copying when the kernel cannot splice from it (a terminal).
     * Blocks until the source has bytes and the pipe has room; stops at the source's end of
     * file.
     *
     * @param in    the descriptor, which stays open
     * @param count the most bytes to move
     * @return bytes moved
     * @throws dev.fifokit.BrokenPipeException       every reader has gone; it says how many bytes went out
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    public long transferFromDescriptor(int in, long count) throws IOException {
        return Transfer.spliceFromDescriptor(this, in, count);
    }

    /**
     * An {@link OutputStream} over this end, without buffering; closing it closes the end. Its
     * writes block as {@link #write(ByteBuffer)}.
     *
     * @return the stream
     */
    public OutputStream outputStream() {
        return new EndStreams.Out(this);
    }


}
