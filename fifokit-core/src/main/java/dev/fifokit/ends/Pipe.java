package dev.fifokit.ends;

import dev.fifokit.FifoException;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.Fifos;
import dev.fifokit.internal.linux.PipeFd;

import java.io.IOException;

/**
 * An anonymous pipe (pipe2 with O_NONBLOCK|O_CLOEXEC): the same {@link FifoReader} and
 * {@link FifoWriter} types as a FIFO, with no path. Closing the pair closes both ends.
 *
 * <pre>{@code
 * try (Pipe pipe = Pipe.open()) {
 *     pipe.writer().write("ping".getBytes());
 *     pipe.writer().close();              // the reader now sees -1 after the data
 * }
 * }</pre>
 */
public final class Pipe implements AutoCloseable {
    private final FifoReader reader;
    private final FifoWriter writer;

    private Pipe(FifoReader reader, FifoWriter writer) {
        this.reader = reader;
        this.writer = writer;
    }

    /** Creates a pipe with blocking ends. */
    public static Pipe open() throws FifoException {
        return open(OpenOptions.defaults());
    }

    /**
     * Creates a pipe; only {@link OpenOptions#nonBlocking()}, {@link OpenOptions#spin} and the
     * capacity options apply.
     */
    public static Pipe open(OpenOptions options) throws FifoException {
        int[] errno = new int[1];
        int[] fds = Fifos.pipe(errno);
        if (fds == null) {
            throw Errors.of(null, errno[0], "pipe2");
        }
        Pipe pipe = new Pipe(new FifoReader(null, new PipeFd(fds[0]), options, true),
                new FifoWriter(null, new PipeFd(fds[1]), options));
        try {
            pipe.writer.applyCapacity(options);
        } catch (FifoException e) {
            pipe.closeQuietly();
            throw e;
        }
        return pipe;
    }

    public FifoReader reader() {
        return reader;
    }

    public FifoWriter writer() {
        return writer;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // the pipe was never handed out
        }
    }

    @Override
    public void close() throws IOException {
        try {
            writer.close();
        } finally {
            reader.close();
        }
    }
}
