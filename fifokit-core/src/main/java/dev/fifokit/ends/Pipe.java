package dev.fifokit.ends;

import dev.fifokit.FifoException;
import dev.fifokit.internal.linux.Errors;
import dev.fifokit.internal.linux.FifoPaths;
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

    /**
     * Creates a pipe with blocking ends (pipe2(2)). Never blocks.
     *
     * @return the pipe, both ends open
     * @throws FifoException the kernel refused (out of descriptors, say)
     */
    public static Pipe open() throws FifoException {
        return open(PipeOptions.defaults());
    }

    /**
     * Creates a pipe whose ends do their I/O as {@code options} say. Never blocks.
     *
     * @param options non-blocking mode, spinning and capacity
     * @return the pipe, both ends open
     * @throws FifoException                    the kernel refused (out of descriptors, say)
     * @throws dev.fifokit.PipeCapacityException the capacity asked for could not be set
     */
    public static Pipe open(PipeOptions options) throws FifoException {
        long fds = FifoPaths.pipe();
        if (fds < 0) {
            throw Errors.of(null, (int) -fds, "pipe2");
        }
        Pipe pipe = new Pipe(new FifoReader(null, new PipeFd((int) fds), options, true),
                new FifoWriter(null, new PipeFd((int) (fds >>> 32)), options));
        try {
            pipe.writer.applyCapacity(options);
        } catch (FifoException e) {
            pipe.closeQuietly();
            throw e;
        }
        return pipe;
    }

    /**
     * Raises the capacity of a pipe that this process holds but did not open through fifokit,
     * typically standard input or output when the shell connected it to a pipe, to
     * {@code /proc/sys/fs/pipe-max-size}. Best effort and never blocks: a descriptor that is not
     * a pipe (a terminal, a file), or a refusal (the per-user pipe page quota), leaves things as
     * they were.
     *
     * <p>Why: a process that splices 64 KiB at a time into a 64 KiB pipe sleeps and wakes once
     * per 64 KiB, and a cross-CPU wake-up costs tens of microseconds on a small VM; with 1 MiB
     * pipes on both sides {@code fifokit cat} moves data about ten times faster there.
     *
     * @param descriptor the descriptor, which stays open
     * @return the capacity now in force, or -1 when {@code descriptor} is not a pipe
     */
    public static int raiseCapacity(int descriptor) {
        int now = PipeFd.capacityRaw(descriptor, 0);
        if (now < 0) {
            return -1;
        }
        long max = dev.fifokit.Limits.pipeMaxSize();
        if (max > now && max <= Integer.MAX_VALUE) {
            int r = PipeFd.capacityRaw(descriptor, (int) max);
            return r > 0 ? r : now;
        }
        return now;
    }

    /**
     * The reading end. Never blocks.
     *
     * @return the reader
     */
    public FifoReader reader() {
        return reader;
    }

    /**
     * The writing end. Never blocks.
     *
     * @return the writer
     */
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
