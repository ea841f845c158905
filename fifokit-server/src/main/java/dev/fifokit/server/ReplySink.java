package dev.fifokit.server;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where a {@link RequestHandler} streams its reply. Each {@code send} becomes one or more
 * data frames (type 0) of at most PIPE_BUF - 16 bytes in the client's FIFO; the server adds
 * the end marker when the handler returns.
 *
 * <p><b>Blocking.</b> {@code send} waits while earlier parts are being written (a slow client
 * slows its own handler, never the server); a client that makes no progress for the client
 * stall limit, or the request's deadline, ends the wait with an exception.
 *
 * <p><b>Errors.</b> {@code send} throws {@link IOException} when the request is over: its
 * deadline passed or the client went away. A handler should then stop; it is interrupted too.
 */
public interface ReplySink {
    /**
     * Sends {@code len} bytes of {@code data} from {@code off} as reply data.
     *
     * @param data the bytes
     * @param off  where they start in {@code data}
     * @param len  how many
     * @throws IOException the request is over (deadline passed, or the client went away)
     */
    void send(byte[] data, int off, int len) throws IOException;

    /**
     * Sends all of {@code data} as reply data.
     *
     * @param data the bytes
     * @throws IOException the request is over (deadline passed, or the client went away)
     */
    default void send(byte[] data) throws IOException {
        send(data, 0, data.length);
    }

    /**
     * Sends {@code text} in UTF-8 as reply data.
     *
     * @param text the text
     * @throws IOException the request is over (deadline passed, or the client went away)
     */
    default void send(String text) throws IOException {
        send(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * An output stream over this sink that collects bytes into full frames before sending.
     * {@code flush()} sends what is collected; closing it flushes and does not end the reply.
     *
     * @return the stream (its writes throw as {@code send} does)
     */
    OutputStream outputStream();
}
