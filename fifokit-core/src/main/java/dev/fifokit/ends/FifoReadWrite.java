package dev.fifokit.ends;

import dev.fifokit.internal.linux.FifoPaths;
import dev.fifokit.internal.linux.Flags;
import dev.fifokit.internal.linux.PipeFd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.file.Path;

/**
 * A FIFO opened for reading and writing at once (O_RDWR). The open never waits. It counts as
 * a reader and a writer, which is exactly its use: writers can always open, and the FIFO
 * never reaches end of stream.
 *
 * <p><b>Hazard</b> (the classic "unneeded O_RDWR open" that keeps {@code cat} from
 * ever ending): while this end is open, no other
 * reader of the FIFO ever sees EOF, and a read on this end never returns -1: it waits for
 * data until the end is closed. Use it only when that is what you want; a keep-alive reader is
 * {@link ReaderOptions#keepAlive()}.
 */
public final class FifoReadWrite extends FifoEnd implements ByteChannel {

    FifoReadWrite(Path path, PipeFd fd, PipeOptions options) {
        super(path, fd, options);
    }

    /**
     * Opens {@code path} read-write. Never waits for a peer.
     *
     * @param path    the FIFO
     * @param options how to open it
     * @return the read-write end
     * @throws dev.fifokit.NoSuchFifoException       the path does not exist
     * @throws dev.fifokit.NotAFifoException         it exists and is not a FIFO
     * @throws dev.fifokit.SymlinkException          it is a symlink and links are not followed
     * @throws dev.fifokit.FifoAccessDeniedException no read or write permission
     * @throws IOException                           any other failure, naming the path and the cause
     */
    public static FifoReadWrite open(Path path, ReadWriteOptions options) throws IOException {
        return (FifoReadWrite) Opening.open(path, options, end -> { });
    }

    @Override
    void connect(FifoPaths.Handle pinned, FifoOpenOptions options, long deadline) throws IOException {
        Opening.attach(this, pinned, ((ReadWriteOptions) options).isFollowSymlinks(), Flags.O_RDWR, "open for reading and writing");
    }

    /**
     * Opens {@code path} read-write with the default options. Never waits for a peer.
     *
     * @param path the FIFO
     * @return the read-write end
     * @throws IOException as {@link #open(Path, ReadWriteOptions)}
     */
    public static FifoReadWrite open(Path path) throws IOException {
        return open(path, ReadWriteOptions.defaults());
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return readBuffer(dst);
    }

    /**
     * Reads up to {@code len} bytes into {@code b}; never -1 (see the class comment). Blocks
     * until bytes are queued, unless the end is non-blocking.
     *
     * @param b   where the bytes go
     * @param off the first index in {@code b} to fill
     * @param len the most bytes to read
     * @return bytes read, or 0 (non-blocking, nothing queued)
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    public int read(byte[] b, int off, int len) throws IOException {
        return readArray(b, off, len);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return writeBuffer(src);
    }

    /**
     * Writes {@code len} bytes of {@code b}, blocking while the pipe is full unless the end is
     * non-blocking; at most PIPE_BUF bytes go out in one atomic write.
     *
     * @param b   the bytes
     * @param off the first index in {@code b} to write
     * @param len how many bytes to write
     * @return bytes written
     * @throws dev.fifokit.FifoClosedException      the end was closed, before the call or while it waited
     * @throws dev.fifokit.FifoInterruptedException the thread was interrupted while it waited (the end is closed)
     * @throws IOException                          any other failure, naming the path and the cause
     */
    public int write(byte[] b, int off, int len) throws IOException {
        return writeArray(b, off, len);
    }
}
