package dev.fifokit.messages;

import dev.fifokit.FifoException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads messages from a FIFO end or any byte channel in one {@link Framing}.
 *
 * <p><b>Reading</b> blocks until a whole message has arrived, however the bytes were cut into
 * reads (short reads are normal on a pipe). One read(2) takes up to
 * {@link MessageOptions#bufferBytes(int)} bytes, so many small messages cost one system call.
 * {@link #receive()} returns {@code null} at a clean end of stream (every writer closed between
 * two messages); calling it again reads the channel again, so after
 * {@link dev.fifokit.ends.FifoReader#awaitNextWriter} the same reader goes on. The channel must
 * be in blocking mode.
 *
 * <p><b>Bad input</b> never costs memory: a message is at most
 * {@linkplain MessageOptions#maxPayload(int) the maximum payload} (default PIPE_BUF - 16), and
 * the reader allocates a payload only after checking its length against it.
 * <ul>
 *   <li>{@link CorruptFrameException}: a {@link Framing#MESG} header with a negative length or
 *       one over the maximum, with the byte offset where that frame starts. The header stays
 *       unread; see {@link #discardBuffered()}.</li>
 *   <li>{@link TruncatedMessageException}: the stream ended inside a frame (or, with
 *       {@link MessageOptions#atomicFrames()}, nothing more was queued). The partial frame is
 *       dropped; every message before it was delivered.</li>
 *   <li>{@link MessageTooLargeException}: a {@link Framing#LINE} line longer than the maximum.
 *       The rest of that line is skipped, and the next {@code receive} returns the next line.</li>
 * </ul>
 *
 * <p><b>Lines.</b> {@code \\} decodes to a backslash and {@code \n} to a newline; a backslash
 * before anything else is kept as it is, so plain text from {@code echo} or {@code cat} reads
 * unchanged. A line's type is {@link Framing#LINE_TYPE}.
 *
 * <p><b>Hot paths.</b> {@link #receive(ByteBuffer)} copies the payload into the caller's buffer
 * and allocates nothing per message; {@link #lastType()} gives the type.
 * {@link #receiveAll(MessageHandler)} hands every whole message of one read to a handler as a
 * view of the read buffer, without copying: the way to keep up with a batching writer.
 *
 * <p><b>Threads.</b> Calls are serialised; one reader is meant for one consuming thread. A
 * {@link MessageHandler} must not call back into the reader that hands it messages
 * ({@link IllegalStateException}).
 *
 * <pre>{@code
 * try (FifoReader end = FifoReader.open(Path.of("/tmp/echo"));
 *      MessageReader in = MessageReader.of(end, Framing.MESG)) {
 *     for (Message m; (m = in.receive()) != null; ) {
 *         System.out.println(m.text());
 *     }
 * }
 * }</pre>
 */
public final class MessageReader implements Closeable {
    /** The most bytes of an incomplete frame a {@link TruncatedMessageException} keeps. */
    static final int PARTIAL_KEPT = 4096;

    private final ReadableByteChannel channel;
    private final Framing framing;
    /** The bytes read and not yet consumed; shared with {@link #decoder}. */
    private final FrameInput in;
    /** The framing's state: cuts frames out of {@link #in}. */
    private final FrameCodec.Decoder decoder;
    private boolean delivering;
    private long lastType;

    private final ReentrantLock lock = new ReentrantLock();

    private MessageReader(ReadableByteChannel channel, Framing framing, MessageOptions options) throws FifoException {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.framing = Objects.requireNonNull(framing, "framing");
        int maxPayload = options.resolveMaxPayload(Frames.pipeBuf(channel), false);
        this.in = new FrameInput(channel, Frames.name(channel, options), maxPayload,
                Math.max(MesgCodec.HEADER, options.bufferBytes()), options.isAtomicFrames());
        this.decoder = framing.codec().decoder(in, options);
    }

    /**
     * A reader with the default maximum payload (PIPE_BUF - 16).
     *
     * @param channel where the bytes come from, in blocking mode (a fifokit end or any channel)
     * @param framing how messages are cut
     * @return the reader
     * @throws FifoException PIPE_BUF of the channel's FIFO cannot be asked
     */
    public static MessageReader of(ReadableByteChannel channel, Framing framing) throws FifoException {
        return of(channel, framing, MessageOptions.defaults());
    }

    /**
     * A reader configured by {@code options}; PIPE_BUF is read from the channel's FIFO.
     *
     * @param channel where the bytes come from, in blocking mode (a fifokit end or any channel)
     * @param framing how messages are cut
     * @param options maximum payload, buffer size, ...
     * @return the reader
     * @throws FifoException PIPE_BUF of the channel's FIFO cannot be asked
     */
    public static MessageReader of(ReadableByteChannel channel, Framing framing, MessageOptions options)
            throws FifoException {
        return new MessageReader(channel, framing, Objects.requireNonNull(options, "options"));
    }

    /**
     * The next message, or {@code null} at a clean end of stream. Blocks until a whole message
     * has arrived.
     *
     * @throws CorruptFrameException      negative or over-maximum {@code mesg_len}
     * @throws TruncatedMessageException  end of stream inside a frame
     * @throws MessageTooLargeException   a line longer than the maximum
     * @return the message, or {@code null} at a clean end of stream
     */
    public Message receive() throws IOException {
        lock.lock();
        try {
            checkNotDelivering();
            FrameCodec.Decoder d = decoder;
            if (!d.begin()) {
                return null;
            }
            byte[] payload = new byte[d.length()];
            d.take(ByteBuffer.wrap(payload));
            lastType = d.type();
            return new Message(lastType, payload);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The hot path: copies the next message's payload into {@code into} (from its position,
     * which advances) and returns its length, or -1 at a clean end of stream. The type is then
     * {@link #lastType()}. Allocates nothing.
     *
     * @throws BufferOverflowException {@code into} has less room than the payload; nothing is
     *         consumed, so the call can be repeated with a bigger buffer
     * @param into where the payload goes
     * @return the payload's length, or -1 at a clean end of stream
     * @throws CorruptFrameException      as {@link #receive()}
     * @throws TruncatedMessageException  as {@link #receive()}
     * @throws MessageTooLargeException   as {@link #receive()}
     * @throws IOException                the channel failed
     */
    public int receive(ByteBuffer into) throws IOException {
        lock.lock();
        try {
            checkNotDelivering();
            FrameCodec.Decoder d = decoder;
            if (!d.begin()) {
                return -1;
            }
            int len = d.length();
            if (into.remaining() < len) {
                throw new BufferOverflowException(); // the frame stays begun for the next call
            }
            d.take(into);
            lastType = d.type();
            return len;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The bulk path: blocks until at least one whole message has arrived, then hands every whole
     * message already read to {@code handler}, in order, without copying (see
     * {@link MessageHandler} for how long a payload view lives), and returns how many; -1 at a
     * clean end of stream. It reads the channel only while no whole message is buffered, so
     * after the first message it never blocks. Allocates nothing per message, except for a
     * {@link Framing#MESG} payload bigger than the read buffer (a large maximum payload),
     * which is copied into an array of its own.
     *
     * <p>A bad frame after good ones ends this call with the good ones; the next call throws.
     *
     * @param handler gets each message
     * @return how many messages the handler got, or -1 at a clean end of stream
     * @throws CorruptFrameException     as {@link #receive()}, when no message was handed out
     *                                   before the bad bytes
     * @throws TruncatedMessageException as {@link #receive()}, likewise
     * @throws MessageTooLargeException  as {@link #receive()}, likewise
     * @throws IllegalStateException the handler called back into this reader
     * @throws IOException whatever the handler throws (that message counts as received)
     */
    public int receiveAll(MessageHandler handler) throws IOException {
        Objects.requireNonNull(handler, "handler");
        lock.lock();
        try {
            checkNotDelivering();
            delivering = true;
            try {
                return deliver(handler);
            } finally {
                delivering = false;
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@return the type of the message the last {@link #receive(ByteBuffer)} returned} */
    public long lastType() {
        return lastType;
    }

    /**
     * True when a whole message (or a bad header that will throw) is buffered, so the next
     * {@code receive} will not touch the channel. A tool flushes its output when this is false,
     * before it may block.
     *
     * @return whether the next {@code receive} is served from the buffer
     */
    public boolean ready() {
        lock.lock();
        try {
            return decoder.ready();
        } finally {
            lock.unlock();
        }
    }

    /** {@return bytes read from the channel and not yet handed out as messages} */
    public int buffered() {
        lock.lock();
        try {
            return in.end - in.start + decoder.held();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops every buffered byte (a bad header, a partial line, messages already read from the
     * channel but not yet received) and returns how many; the next {@code receive} starts with
     * fresh bytes from the channel. The way to give up on a corrupt stream without closing it.
     *
     * @return how many bytes were dropped
     */
    public int discardBuffered() {
        lock.lock();
        try {
            checkNotDelivering();
            int n = in.discard();
            decoder.reset();
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** {@return bytes consumed so far: the stream offset at which the next frame starts} */
    public long offset() {
        lock.lock();
        try {
            return in.offset();
        } finally {
            lock.unlock();
        }
    }

    /** {@return the framing this reader expects} */
    public Framing framing() {
        return framing;
    }

    /** {@return the largest payload this reader accepts} */
    public int maxPayload() {
        return in.maxPayload;
    }

    /** Closes the channel. */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Hands every whole buffered message to {@code handler}, after blocking for the first. */
    private int deliver(MessageHandler handler) throws IOException {
        FrameCodec.Decoder d = decoder;
        if (!d.begin()) {
            return -1;
        }
        int count = 0;
        do {
            long type = d.type();
            ByteBuffer payload = d.takeView();
            lastType = type;
            count++;
            handler.onMessage(type, payload);
        } while (d.beginBuffered());
        return count;
    }

    private void checkNotDelivering() {
        if (delivering) {
            throw new IllegalStateException("a message handler called back into its reader");
        }
    }
}
