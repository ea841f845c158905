package dev.fifokit;

import java.nio.file.Path;

/**
 * What every error fifokit reports has: the FIFO it is about and the cause in words. Most are
 * {@link FifoException}s; the closed and interrupted errors are instead the JDK's channel
 * exceptions ({@link FifoClosedException} is an
 * {@link java.nio.channels.AsynchronousCloseException}, {@link FifoInterruptedException} a
 * {@link java.nio.channels.ClosedByInterruptException}), so that code written for any NIO
 * channel recognises them. Catch {@link java.io.IOException} and test for this interface to
 * handle every fifokit error the same way.
 */
public interface FifoProblem {
    /** {@return the FIFO this error is about, or {@code null} for an anonymous pipe} */
    Path path();

    /** {@return the cause in words, without the path} */
    String reason();

    /**
     * The message every fifokit error has.
     *
     * @param path   the FIFO, or {@code null} for an anonymous pipe
     * @param reason the cause, in words
     * @return {@code "<path>: <reason>"}, with {@code "pipe"} for an anonymous pipe
     */
    static String message(Path path, String reason) {
        return (path == null ? "pipe" : path.toString()) + ": " + reason;
    }
}
