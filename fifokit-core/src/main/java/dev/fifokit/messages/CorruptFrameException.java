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

    private final long offset;

    public CorruptFrameException(Path path, long offset, String detail) {
        super(path, "corrupt frame at byte offset " + offset + ": " + detail);
        this.offset = offset;
    }

    /** Byte offset of the first byte of the bad frame in the stream this reader consumed. */
    public long offset() {
        return offset;
    }
}
