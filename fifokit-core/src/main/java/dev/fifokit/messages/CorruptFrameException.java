package dev.fifokit.messages;

import dev.fifokit.FifoException;

import java.nio.file.Path;

/**
 * A frame header that cannot be right: a negative {@code mesg_len}, or one above the reader's
 * maximum payload. The message names the byte offset where the bad frame starts, counted
 * from the first byte this reader consumed, so the bytes can be found in a capture.
 *
 * <p>The reader does not guess where the next frame might start: the bad header stays
 * unread and every further {@code receive} throws again, until the caller gives up or calls
 * {@link MessageReader#discardBuffered()}.
 */
public final class CorruptFrameException extends FifoException {
    private static final long serialVersionUID = 1L;

    /** The byte offset where the bad frame starts, counted from the reader's first byte. */
    private final long offset;
    /** The first bytes of the bad frame as they arrived (at most 64); empty when not known. */
    private final byte[] received;

    /**
     * A bad frame at {@code offset} of the stream read from {@code path}.
     *
     * @param path   the FIFO or channel name
     * @param offset where the bad frame starts
     * @param detail what is wrong with it
     */
    public CorruptFrameException(Path path, long offset, String detail) {
        this(path, offset, detail, new byte[0]);
    }

    /**
     * A bad frame, with the first bytes of it as they arrived (for a log or an error message).
     *
     * @param path     the FIFO or channel name
     * @param offset   where the bad frame starts
     * @param detail   what is wrong with it
     * @param received the first bytes of the bad frame (copied)
     */
    public CorruptFrameException(Path path, long offset, String detail, byte[] received) {
        super(path, "corrupt frame at byte offset " + offset + ": " + detail);
        this.offset = offset;
        this.received = received.clone();
    }

    /**
     * The first bytes of the bad frame as they arrived (at most 64), so a log can show what a
     * peer sent; empty when not known.
     *
     * @return a copy of the bytes
     */
    public byte[] received() {
        return received.clone();
    }

    /** {@return the byte offset of the first byte of the bad frame in the stream this reader consumed} */
    public long offset() {
        return offset;
    }
}
