package dev.fifokit;

import java.nio.file.Path;

/**
 * Every reader closed the FIFO while this end was writing (EPIPE). The JVM is not killed by
 * SIGPIPE; the write stops here instead. {@link #bytesWritten()} tells how many bytes of the
 * failed call the kernel had already accepted: those reached the pipe, the rest did not.
 */
public final class BrokenPipeException extends FifoException {
    private static final long serialVersionUID = 1L;

    /** Bytes of the failed call the kernel accepted before the reader went away; 0 or more. */
    private final long bytesWritten;

    /**
     * The reader of {@code path} went away.
     *
     * @param path         the FIFO, or {@code null} for this process's own standard output
     * @param bytesWritten bytes of the failed call written before that
     */
    public BrokenPipeException(Path path, long bytesWritten) {
        super(path, "reader went away (broken pipe)"
                + (bytesWritten > 0 ? " after " + bytesWritten + " bytes of this write" : ""));
        this.bytesWritten = bytesWritten;
    }

    /** {@return bytes of the failed call that were written before the reader went away} */
    public long bytesWritten() {
        return bytesWritten;
    }
}
