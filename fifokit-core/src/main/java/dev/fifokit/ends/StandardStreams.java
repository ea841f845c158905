package dev.fifokit.ends;

import dev.fifokit.BrokenPipeException;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * This process's standard input and output as channels, one end of a copy or of a message
 * stream whose other end is a FIFO (e.g. {@code MessageReader.of(StandardStreams.input(), ...)}).
 *
 * <p>Closing such a channel only marks it closed: descriptors 0 and 1 stay open, as the JVM
 * still owns them. A read or write blocks as the descriptor does (in the JDK's
 * {@link FileChannel}); for splice(2) straight between a pipe end and standard input or output,
 * use {@link FifoReader#transferToDescriptor} and {@link FifoWriter#transferFromDescriptor}.
 */
public final class StandardStreams {
    /** The name errors about standard input use: {@code <stdin>}. */
    public static final Path INPUT_NAME = Path.of("<stdin>");

    /** The name errors about standard output use: {@code <stdout>}. */
    public static final Path OUTPUT_NAME = Path.of("<stdout>");

    private StandardStreams() {}

    /** A channel on a descriptor the JVM owns: closing it only marks it closed. */
    private abstract static class Borrowed implements java.nio.channels.Channel {
        private volatile boolean open = true;

        @Override
        public final boolean isOpen() {
            return open;
        }

        @Override
        public final void close() {
            open = false;
        }
    }

    private abstract static class BorrowedInput extends Borrowed implements ReadableByteChannel {
    }

    private abstract static class BorrowedOutput extends Borrowed implements WritableByteChannel {
    }

    /**
     * Standard input as a channel. Each {@code read} blocks until standard input has bytes or
     * reaches end of file (-1).
     *
     * @return a new channel on descriptor 0; closing it leaves the descriptor open
     */
    public static ReadableByteChannel input() {
        FileChannel ch = new FileInputStream(FileDescriptor.in).getChannel();
        return new BorrowedInput() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return ch.read(dst);
            }
        };
    }

    /**
     * Standard output as a channel. Each {@code write} blocks until standard output takes the
     * bytes; when its reader has gone (EPIPE) the write fails with a
     * {@link BrokenPipeException} without a path, so a tool can exit quietly as {@code cat}
     * does.
     *
     * @return a new channel on descriptor 1; closing it leaves the descriptor open
     */
    public static WritableByteChannel output() {
        FileChannel ch = new FileOutputStream(FileDescriptor.out).getChannel();
        return new BorrowedOutput() {
            @Override
            public int write(ByteBuffer src) throws IOException {
                try {
                    return ch.write(src);
                } catch (IOException e) {
                    if (e.getMessage() != null && e.getMessage().contains("Broken pipe")) {
                        throw new BrokenPipeException(null, 0);
                    }
                    throw e;
                }
            }
        };
    }
}
