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

    private final long offset;
    private final long received;

    public TruncatedMessageException(Path path, long offset, long received, String detail) {
        super(path, "truncated message at byte offset " + offset + ": " + detail);
        this.offset = offset;
        this.received = received;
    }

    /** Byte offset where the incomplete frame starts. */
    public long offset() {
        return offset;
    }

    /** How many bytes of the incomplete frame arrived (and were dropped). */
    public long received() {
        return received;
    }
}
