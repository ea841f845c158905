package dev.fifokit.messages;

import dev.fifokit.FifoException;

import java.nio.file.Path;

/**
 * A message bigger than allowed. A writer throws it before writing anything when the payload
 * is over the maximum payload, or when its frame would be over PIPE_BUF on a FIFO the writer
 * shares (such a write would not be atomic and could interleave with other writers); declare
 * {@link MessageOptions#exclusiveWriter()} to send it anyway. A {@link Framing#LINE} reader
 * throws it for a line over its maximum (then skips the rest of that line and goes on).
 */
public final class MessageTooLargeException extends FifoException {
    private static final long serialVersionUID = 1L;

    /** The size that was refused, in bytes. */
    private final long size;
    /** The limit it went past, in bytes. */
    private final long limit;
    /** For a reader, the byte offset where the message starts; -1 for a writer. */
    private final long offset;

    /**
     * A message of {@code size} bytes went past {@code limit}; the message is
     * {@code "<path>: <reason>"}.
     *
     * @param path   the FIFO or channel name, or {@code null} for an anonymous pipe
     * @param size   the size that was refused: payload or frame bytes (for a line, at least
     *               this many)
     * @param limit  the limit it went past, in the same unit as {@code size}
     * @param offset for a reader, the byte offset where the message starts; -1 for a writer
     * @param reason the cause, in words, e.g. which limit it was
     */
    public MessageTooLargeException(Path path, long size, long limit, long offset, String reason) {
        super(path, reason);
        this.size = size;
        this.limit = limit;
        this.offset = offset;
    }

    /** {@return the size that was refused (payload or frame bytes; for a line, at least this many)} */
    public long size() {
        return size;
    }

    /** {@return the limit it went past} */
    public long limit() {
        return limit;
    }

    /**
     * {@return for a reader, the byte offset where the message starts, counted from the first
     * byte it consumed; -1 for a writer}
     */
    public long offset() {
        return offset;
    }
}
