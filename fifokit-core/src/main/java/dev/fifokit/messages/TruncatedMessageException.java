package dev.fifokit.messages;

import dev.fifokit.FifoException;

import java.nio.file.Path;

/**
 * The stream ended inside a frame: every writer closed (or, with
 * {@link MessageOptions#atomicFrames()}, nothing more was queued) after part of a header,
 * payload or line. Every message before it was delivered whole; the partial bytes are dropped,
 * and the reader can go on with the next frame (for example after
 * {@link dev.fifokit.ends.FifoReader#awaitNextWriter}).
 */
public final class TruncatedMessageException extends FifoException {
    private static final long serialVersionUID = 1L;

    /** The byte offset where the incomplete frame starts, counted from the reader's first byte. */
    private final long offset;
    /** How many bytes of the incomplete frame arrived. */
    private final long received;
    /** The bytes of the incomplete frame that arrived, or their first part. */
    private final byte[] partial;

    /**
     * A frame cut short at {@code offset} of the stream read from {@code path}.
     *
     * @param path     the FIFO or channel name
     * @param offset   where the incomplete frame starts
     * @param received how many of its bytes arrived
     * @param detail   where it was cut
     */
    public TruncatedMessageException(Path path, long offset, long received, String detail) {
        this(path, offset, received, detail, new byte[0]);
    }

    /**
     * A frame cut short, with the bytes of it that arrived.
     *
     * @param path     the FIFO or channel name
     * @param offset   where the incomplete frame starts
     * @param received how many of its bytes arrived
     * @param detail   where it was cut
     * @param partial  the bytes that arrived, or their first part (copied)
     */
    public TruncatedMessageException(Path path, long offset, long received, String detail, byte[] partial) {
        super(path, "truncated message at byte offset " + offset + ": " + detail);
        this.offset = offset;
        this.received = received;
        this.partial = partial.clone();
    }

    /**
     * What arrived of the incomplete frame (for a line, its text decoded so far), at most the
     * first 4096 bytes, so a server can log what a peer sent
     * before it went away; empty when not known.
     *
     * @return a copy of the bytes
     */
    public byte[] partial() {
        return partial.clone();
    }

    /** {@return the byte offset where the incomplete frame starts} */
    public long offset() {
        return offset;
    }

    /** {@return how many bytes of the incomplete frame arrived (and were dropped)} */
    public long received() {
        return received;
    }
}
