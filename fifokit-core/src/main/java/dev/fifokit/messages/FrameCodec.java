package dev.fifokit.messages;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One framing's wire format: how a {@link MessageWriter} builds a frame in its buffer and how a
 * {@link MessageReader} cuts frames out of the bytes it has read. {@link MessageWriter} and
 * {@link MessageReader} know nothing else about a framing: they own the buffers, the channel,
 * the size rules and the locks, and ask the framing's codec for the bytes.
 *
 * <p>There is one class per framing ({@link MesgCodec}, {@link LineCodec}). A new framing is a
 * new class implementing this interface and one {@link Framing} constant that names it.
 *
 * <p>A codec holds no state of its own (one instance serves every writer); the state of a
 * reader's decoding lives in the {@link Decoder} it creates for that reader.
 */
interface FrameCodec {

    // ---- writing ----

    /** Bytes the frame of {@code payload[off, off+len)} takes on the wire. */
    long frameLength(byte[] payload, int off, int len);

    /**
     * Builds the frame of {@code payload[off, off+len)} in {@code out} at {@code at}; the caller
     * made room for {@link #frameLength} bytes.
     */
    void encode(long type, byte[] payload, int off, int len, byte[] out, int at);

    /**
     * Writes a frame bigger than the writer's buffer in several pieces (only an exclusive writer
     * does this): the codec fills {@link Pieces#buffer()} and hands each piece to
     * {@link Pieces#write(int)}.
     */
    void encodeLarge(long type, byte[] payload, int off, int len, Pieces out) throws IOException;

    /**
     * The length of the header that precedes the payload when a frame is that header followed
     * by the payload unchanged, so a frame can be built in place and a payload copied straight
     * from any buffer; -1 when the frame's bytes depend on the payload (an escaping framing).
     */
    int fixedHeader();

    /** Writes the {@link #fixedHeader()} bytes of a frame at {@code at}; only when there is one. */
    void putHeader(byte[] out, int at, long type, int len);

    // ---- reading ----

    /** Decoding state for one reader, over that reader's input, as its options ask. */
    Decoder decoder(FrameInput in, MessageOptions options);

    /** Where {@link #encodeLarge} writes: the writer's buffer and its write. */
    interface Pieces {
        /** The writer's (empty) buffer to fill. */
        byte[] buffer();

        /** Writes {@code buffer()[0, n)}. */
        void write(int n) throws IOException;

        /** Writes {@code b[off, off+len)} without passing it through the buffer. */
        void writeDirect(byte[] b, int off, int len) throws IOException;
    }

    /**
     * Cuts frames out of one reader's {@link FrameInput}. Frames go in two steps: {@link #begin()}
     * reads until the next frame's type and payload length are known (and checks them), one of
     * the {@code take} methods consumes it. A frame begun and not taken stays begun: the next
     * {@code begin} returns it again.
     */
    interface Decoder {
        /**
         * Begins the next frame, reading the channel as needed; false at a clean end of stream.
         *
         * @throws CorruptFrameException    the frame's header is bad
         * @throws TruncatedMessageException the stream ended inside the frame
         * @throws MessageTooLargeException  the payload is over the maximum (the frame is skipped)
         */
        boolean begin() throws IOException;

        /** The begun (or last taken) frame's type. */
        long type();

        /** The begun frame's payload length. */
        int length();

        /** Moves the begun frame's payload into {@code dst} (the caller checked its room) and consumes the frame. */
        void take(ByteBuffer dst) throws IOException;

        /**
         * Consumes the begun frame and returns its payload as a native-order view, valid until
         * the next call on this decoder.
         */
        ByteBuffer takeView() throws IOException;

        /**
         * Begins the next frame only when it is whole in the buffer and good, never reading the
         * channel or throwing for bad bytes (they are left for the next {@link #begin()}).
         */
        boolean beginBuffered() throws IOException;

        /** True when {@link #begin()} would not read the channel (a whole frame or bad bytes are buffered). */
        boolean ready();

        /** Bytes held outside the input buffer (a decoded frame not yet taken). */
        int held();

        /** Forgets every partial frame (after the input buffer was dropped). */
        void reset();
    }
}
