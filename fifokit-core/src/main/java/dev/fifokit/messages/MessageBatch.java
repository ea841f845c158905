package dev.fifokit.messages;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Many messages written under one lock, each frame built in place in the writer's buffer: the
 * fast path for small messages, as C fills an array of {@code struct mymesg} and writes it at
 * once. Obtained from {@link MessageWriter#batch()}; use it in a try-with-resources block.
 *
 * <pre>{@code
 * try (MessageBatch batch = out.batch()) {
 *     for (long seq = 0; seq < 64; seq++) {
 *         batch.add(1, 16).putLong(seq).putLong(System.nanoTime()); // fill all 16 payload bytes
 *     }
 * }                                            // one write(2) of 64 frames of 32 bytes
 * }</pre>
 *
 * <p><b>Writes.</b> Frames collect in the writer's buffer; when the next one does not fit, the
 * collected frames go out in one write, and the rest when the batch closes. A shared writer's
 * buffer is PIPE_BUF bytes, so each of those writes is atomic and holds only whole frames; the
 * size rules of {@link MessageWriter} apply to every frame.
 *
 * <p><b>Blocking and errors.</b> {@code add} and {@code close} block while the pipe is full.
 * When a write fails (a {@link dev.fifokit.BrokenPipeException} when the reader has gone) the
 * frames it carried are lost; every frame of an earlier write was delivered.
 *
 * <p><b>Threads.</b> The batch holds the writer's lock from {@link MessageWriter#batch()} until
 * {@link #close()}: other threads' {@code send}s wait, and only the thread that opened the batch
 * may use it. Keep batches short.
 */
public final class MessageBatch implements Closeable {
    private final MessageWriter writer;
    private boolean open;

    MessageBatch(MessageWriter writer) {
        this.writer = writer;
    }

    void open() {
        open = true;
    }

    /**
     * Adds a {@link Framing#MESG} frame with {@code type} and a payload of {@code length} bytes,
     * and returns the payload to fill: the writer's buffer with its position on the payload's
     * first byte and its limit after the last, in native order. Relative puts fill it in order;
     * writing past the limit throws. The buffer is valid until the next call on this batch and
     * is the same object every time. Allocates nothing.
     *
     * <p><b>Hazard: fill every byte.</b> The payload is not cleared (clearing 48 bytes would
     * cost more than building the frame): bytes you do not write go out as whatever the buffer
     * held, parts of this writer's earlier frames, as with a reused C buffer.
     *
     * @param type   the message type ({@code mesg_type}), any value
     * @param length the payload length in bytes, 0 or more and at most the writer's maximum
     *               payload
     * @return the payload to fill, exactly {@code length} bytes between its position and limit
     * @throws MessageTooLargeException the frame is over PIPE_BUF (a shared writer), over the
     *         maximum payload, or bigger than the writer's buffer (send it with
     *         {@link MessageWriter#send(long, byte[])}); nothing was added
     * @throws UnsupportedOperationException the writer speaks {@link Framing#LINE}, whose frame
     *         length depends on the payload: use {@link #add(long, byte[], int, int)}
     * @throws IllegalStateException the batch is closed, or this is not the thread that opened it
     */
    public ByteBuffer add(long type, int length) throws IOException {
        checkOwner();
        return writer.reserveLocked(type, length);
    }

    /**
     * Adds a frame with a copy of {@code payload[off, off+len)}, in either framing.
     *
     * @param type    the message type ({@code mesg_type}); {@link Framing#LINE} ignores it
     * @param payload the array holding the payload
     * @param off     index of the payload's first byte in {@code payload}
     * @param len     the payload length in bytes; {@code off} and {@code len} must lie within
     *                the array
     * @throws MessageTooLargeException as {@link MessageWriter#send(long, byte[], int, int)}
     * @throws IllegalStateException the batch is closed, or this is not the thread that opened it
     */
    public void add(long type, byte[] payload, int off, int len) throws IOException {
        checkOwner();
        writer.appendLocked(type, payload, off, len);
    }

    /**
     * Adds a frame with a copy of {@code payload}.
     *
     * @param type    the message type ({@code mesg_type}); {@link Framing#LINE} ignores it
     * @param payload the whole payload
     * @throws IOException as {@link #add(long, byte[], int, int)}: the frame is too large, or
     *                     writing the frames collected before it failed
     */
    public void add(long type, byte[] payload) throws IOException {
        add(type, payload, 0, payload.length);
    }

    /**
     * Writes the frames still collected and releases the writer, even when that write fails.
     * Closing twice does nothing.
     *
     * @throws dev.fifokit.BrokenPipeException the reader went away; those frames are lost
     * @throws IllegalStateException this is not the thread that opened the batch
     */
    @Override
    public void close() throws IOException {
        if (!open) {
            return;
        }
        checkOwner();
        open = false;
        writer.endBatch();
    }

    private void checkOwner() {
        if (!open) {
            throw new IllegalStateException("the message batch is closed");
        }
        if (!writer.heldByCurrentThread()) {
            throw new IllegalStateException("a message batch belongs to the thread that opened it");
        }
    }
}
