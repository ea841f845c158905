package dev.fifokit.messages;

import dev.fifokit.FifoClosedException;
import dev.fifokit.FifoException;
import dev.fifokit.ends.FifoWriter;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes messages to a FIFO end or any byte channel in one {@link Framing}.
 *
 * <p><b>Atomicity.</b> Each frame (for {@link Framing#MESG} the 16-byte header and the payload,
 * for {@link Framing#LINE} the escaped line and its {@code '\n'}) is built in one buffer and
 * handed to the channel in one call; a fifokit {@link dev.fifokit.ends.FifoWriter} turns a
 * buffer of at most PIPE_BUF bytes into exactly one write(2), which the kernel never
 * interleaves with another writer's. A writer that shares the FIFO (the default) therefore
 * refuses, with {@link MessageTooLargeException} and before writing anything, a payload over
 * the maximum and any frame over PIPE_BUF. An {@linkplain MessageOptions#exclusiveWriter()
 * exclusive} writer may send larger frames, in several writes.
 *
 * <p><b>Batching</b> ({@link MessageOptions#batching(boolean)}): messages are collected and
 * written together when the next one would not fit, on {@link #flush()} and on {@link #close()}.
 * A shared writer's batch never exceeds PIPE_BUF, so a batch is one atomic write of whole
 * messages. Without batching every {@code send} writes at once. For the least cost per message,
 * {@link #batch()} builds many frames in place under one lock and writes them together
 * ({@link MessageBatch}), whatever this option says.
 *
 * <p><b>Blocking.</b> {@code send} and {@code flush} block while the pipe is full, as the
 * channel's write does; the channel must be in blocking mode (a non-blocking channel that
 * accepts nothing gives a {@link FifoException}). Errors of the channel pass through: a
 * {@link dev.fifokit.BrokenPipeException} when the reader has gone (messages still batched
 * are then lost, every earlier one was delivered).
 *
 * <p><b>Threads.</b> {@code send}, {@code flush} and {@code close} may be called from several
 * threads; each frame stays whole.
 *
 * <pre>{@code
 * try (FifoWriter end = FifoWriter.open(Path.of("/tmp/echo"));
 *      MessageWriter out = MessageWriter.of(end, Framing.MESG)) {
 *     out.send(Message.of(1, "hello"));        // one write(2) of 16 + 5 bytes
 * }
 * }</pre>
 */
public final class MessageWriter implements Closeable {
    private final WritableByteChannel channel;
    /** The channel when it is a fifokit writer: batches go to it as segments of {@link #whole}. */
    private final FifoWriter fifo;
    private final Framing framing;
    /** The framing's wire format: builds each frame in {@link #buf}. */
    private final FrameCodec codec;
    /** The codec's fixed header length, or -1 when a frame's bytes depend on its payload. */
    private final int header;
    /** Writes the pieces of a frame bigger than the buffer. */
    private final FrameCodec.Pieces pieces = new LargeFrame();
    private final Path name;
    private final long pipeBuf;
    private final int maxPayload;
    private final boolean exclusive;
    private final boolean batching;
    private final byte[] buf;
    private final ByteBuffer bb;
    private final ByteBuffer view;
    private final MemorySegment whole;
    /**
     * The last {@code whole.asSlice(0, n)} written, kept: frames of one size (one {@code send}
     * each, or full batches) are then written with no segment allocated, whether or not the JIT
     * removes the slice.
     */
    private MemorySegment lastSlice;
    private final int inPlaceMax;
    private MessageBatch batch;
    private int used;
    /** A thread holds the batch: frames collect until it closes, whatever {@link #batching}. */
    private boolean inBatch;
    private boolean closed;
    private final ReentrantLock lock = new ReentrantLock();

    private MessageWriter(WritableByteChannel channel, Framing framing, MessageOptions options) throws FifoException {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.framing = Objects.requireNonNull(framing, "framing");
        this.codec = framing.codec();
        this.header = codec.fixedHeader();
        this.name = Frames.name(channel, options);
        this.pipeBuf = Frames.pipeBuf(channel);
        this.maxPayload = options.resolveMaxPayload(pipeBuf, true);
        this.exclusive = options.isExclusiveWriter();
        this.batching = options.isBatching();
        int size = (int) Math.max(pipeBuf, MesgCodec.HEADER + 1);
        if (exclusive) {
            size = Math.max(size, options.bufferBytes());
        }
        this.buf = new byte[size];
        this.bb = ByteBuffer.wrap(buf);
        this.view = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        this.whole = MemorySegment.ofArray(buf);
        this.lastSlice = whole;
        // the largest payload a batch builds in place: within the maximum, PIPE_BUF (shared) and the buffer
        long inPlace = Math.min(maxPayload, buf.length - header);
        if (!exclusive) {
            inPlace = Math.min(inPlace, pipeBuf - header);
        }
        this.inPlaceMax = header >= 0 ? (int) inPlace : -1;
        this.fifo = channel instanceof FifoWriter w ? w : null;
    }

    /**
     * A shared, unbatched writer with the default maximum payload (PIPE_BUF - 16).
     *
     * @param channel the channel to write to, in blocking mode; closing the writer closes it
     * @param framing the framing to speak
     * @return a new writer
     * @throws FifoException the channel is a fifokit end that is closed
     */
    public static MessageWriter of(WritableByteChannel channel, Framing framing) throws FifoException {
        return of(channel, framing, MessageOptions.defaults());
    }

    /**
     * A writer configured by {@code options}; PIPE_BUF is read from the channel's FIFO.
     *
     * @param channel the channel to write to, in blocking mode; closing the writer closes it
     * @param framing the framing to speak
     * @param options the maximum payload, exclusivity, batching and buffer size
     * @return a new writer
     * @throws FifoException the channel is a fifokit end that is closed
     */
    public static MessageWriter of(WritableByteChannel channel, Framing framing, MessageOptions options)
            throws FifoException {
        return new MessageWriter(channel, framing, Objects.requireNonNull(options, "options"));
    }

    /**
     * Sends {@code m} (see {@link #send(long, byte[], int, int)}).
     *
     * @param m the message; its payload is copied into the frame
     * @throws IOException as {@link #send(long, byte[], int, int)}
     */
    public void send(Message m) throws IOException {
        send(m.type(), m.payload(), 0, m.payload().length);
    }

    /**
     * Sends one message with this type and payload.
     *
     * @param type    the message type ({@code mesg_type}); {@link Framing#LINE} ignores it
     * @param payload the whole payload
     * @throws IOException as {@link #send(long, byte[], int, int)}
     */
    public void send(long type, byte[] payload) throws IOException {
        send(type, payload, 0, payload.length);
    }

    /**
     * Sends one message: {@code payload[off, off+len)} with {@code type} ({@link Framing#LINE}
     * has no type on the wire and ignores it). Allocates nothing.
     *
     * @param type    the message type ({@code mesg_type}), any value
     * @param payload the array holding the payload
     * @param off     index of the payload's first byte in {@code payload}
     * @param len     the payload length in bytes; {@code off} and {@code len} must lie within
     *                the array
     * @throws MessageTooLargeException the payload is over the maximum, or a shared writer's
     *         frame would be over PIPE_BUF; nothing was written
     * @throws dev.fifokit.BrokenPipeException the reader went away
     * @throws FifoClosedException this writer is closed
     */
    public void send(long type, byte[] payload, int off, int len) throws IOException {
        lock.lock();
        try {
            checkOpen();
            appendLocked(type, payload, off, len);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the remaining bytes of {@code payload} as one message and advances its position.
     * A heap buffer or, in a framing that does not escape ({@link Framing#MESG}), a direct one
     * is sent without allocating.
     *
     * @param type    the message type ({@code mesg_type}); {@link Framing#LINE} ignores it
     * @param payload the payload: its bytes from position to limit
     * @throws IOException as {@link #send(long, byte[], int, int)}
     */
    public void send(long type, ByteBuffer payload) throws IOException {
        int len = payload.remaining();
        if (payload.hasArray()) {
            send(type, payload.array(), payload.arrayOffset() + payload.position(), len);
            payload.position(payload.limit());
            return;
        }
        if (header < 0) { // the codec escapes: it needs the bytes in an array
            byte[] copy = new byte[len];
            payload.get(copy);
            send(type, copy, 0, len);
            return;
        }
        lock.lock();
        try {
            checkOpen();
            long frame = header + (long) len;
            checkSize(len, frame);
            if (frame > buf.length - used) {
                flushLocked();
            }
            codec.putHeader(buf, used, type, len);
            if (frame <= buf.length) {
                payload.get(buf, used + header, len);
                used += (int) frame;
                if (!batching && !inBatch) {
                    flushLocked();
                }
            } else {
                used += header;
                flushLocked();
                writeFully(payload);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Opens a batch: frames built in place under one lock, written together (see
     * {@link MessageBatch}). Blocks while another thread sends or holds a batch; the batch holds
     * this writer's lock until it closes. One batch object per writer is reused, so this
     * allocates nothing after the first call.
     *
     * @return this writer's batch, open and owned by the calling thread until it is closed
     * @throws FifoClosedException this writer is closed
     * @throws IllegalStateException this thread already holds this writer's batch
     */
    public MessageBatch batch() throws IOException {
        lock.lock();
        boolean opened = false;
        try {
            checkOpen();
            if (lock.getHoldCount() > 1) {
                throw new IllegalStateException("this thread already holds a batch of this message writer");
            }
            if (batch == null) {
                batch = new MessageBatch(this);
            }
            batch.open();
            inBatch = true;
            opened = true;
            return batch;
        } finally {
            if (!opened) {
                lock.unlock();
            }
        }
    }

    /**
     * Writes every batched message now (one write of at most PIPE_BUF for a shared writer).
     *
     * @throws IOException the writer is closed ({@link FifoClosedException}), or the write
     *                     failed, e.g. {@link dev.fifokit.BrokenPipeException} when the reader went away
     */
    public void flush() throws IOException {
        lock.lock();
        try {
            checkOpen();
            flushLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Flushes the batch, then closes the channel (even when the flush fails). */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                flushLocked();
            } finally {
                channel.close();
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@return the framing this writer speaks} */
    public Framing framing() {
        return framing;
    }

    /** {@return the largest payload this writer sends, in bytes} */
    public int maxPayload() {
        return maxPayload;
    }

    /** {@return PIPE_BUF in bytes of the channel's pipe (of the system when the channel is not a fifokit end)} */
    public long pipeBuf() {
        return pipeBuf;
    }

    /** {@return bytes batched and not yet written} */
    public int pending() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }

    // ---- internals (the lock is held by every *Locked method's caller) ----

    /** Builds one frame in the buffer, writing first what no longer fits. */
    void appendLocked(long type, byte[] payload, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, payload.length);
        checkOpen();
        long frame = codec.frameLength(payload, off, len);
        checkSize(len, frame);
        if (frame > buf.length - used) {
            flushLocked();
        }
        if (frame > buf.length) { // an exclusive writer's big frame: several writes
            codec.encodeLarge(type, payload, off, len, pieces);
            return;
        }
        codec.encode(type, payload, off, len, buf, used);
        used += (int) frame;
        if (!batching && !inBatch) {
            flushLocked();
        }
    }

    /** Reserves a frame in the buffer and returns its payload as {@link #view}; not zeroed. */
    ByteBuffer reserveLocked(long type, int length) throws IOException {
        if (length < 0 || length > inPlaceMax || closed) { // one test on the hot path
            refuseInPlace(length);
        }
        int frame = header + length;
        if (frame > buf.length - used) {
            flushLocked();
        }
        codec.putHeader(buf, used, type, length);
        int at = used + header;
        used = at + length;
        view.limit(used).position(at);
        return view;
    }

    /** Throws the reason a payload of {@code length} cannot be built in place. */
    private void refuseInPlace(int length) throws IOException {
        if (header < 0) {
            throw new UnsupportedOperationException("a " + framing + " frame's length depends on its payload:"
                    + " add the payload as a byte array");
        }
        if (length < 0) {
            throw new IllegalArgumentException("negative payload length " + length);
        }
        checkOpen();
        long frame = header + (long) length;
        checkSize(length, frame);
        throw new MessageTooLargeException(name, frame, buf.length, -1, "a frame of " + frame
                + " bytes is bigger than this writer's buffer of " + buf.length + " bytes; send it with send()");
    }

    boolean heldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    /** Ends the current thread's batch: writes what it collected and releases the lock. */
    void endBatch() throws IOException {
        inBatch = false;
        try {
            if (!closed) {
                flushLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkSize(int len, long frame) throws MessageTooLargeException {
        if (len > maxPayload) {
            throw new MessageTooLargeException(name, len, maxPayload, -1, "a message of " + len
                    + " bytes is over the maximum payload of " + maxPayload + " bytes"
                    + (exclusive ? "" : " (PIPE_BUF " + pipeBuf + " - " + MesgCodec.HEADER
                    + "; declare an exclusive writer to send more)"));
        }
        if (!exclusive && frame > pipeBuf) {
            throw new MessageTooLargeException(name, frame, pipeBuf, -1, "a " + framing + " frame of " + frame
                    + " bytes is over PIPE_BUF (" + pipeBuf + "): on a shared FIFO it would not be one atomic"
                    + " write; declare an exclusive writer to send it");
        }
    }

    /** An exclusive writer's frame bigger than the buffer, in pieces: safe with no other writer. */
    private final class LargeFrame implements FrameCodec.Pieces {
        @Override
        public byte[] buffer() {
            return buf;
        }

        @Override
        public void write(int n) throws IOException {
            used = n;
            flushLocked();
        }

        @Override
        public void writeDirect(byte[] b, int off, int len) throws IOException {
            writeFully(ByteBuffer.wrap(b, off, len));
        }
    }

    private void flushLocked() throws IOException {
        if (used == 0) {
            return;
        }
        int n = used;
        used = 0; // on failure the batch is lost either way: never write its start twice
        if (fifo != null) {
            // perf: straight to the end's segment write, a shallow call chain the JIT compiles
            // whole (through a ByteBuffer, the errno capture's slice was not optimised away)
            long done = 0;
            while (done < n) {
                long w = fifo.write(done == 0 ? head(n) : whole.asSlice(done, n - done));
                if (w == 0) {
                    throw new FifoException(name, "the channel accepted nothing (non-blocking mode);"
                            + " a message writer needs a blocking channel");
                }
                done += w;
            }
            return;
        }
        bb.limit(n).position(0);
        writeFully(bb);
    }

    /** {@code buf[0, n)} as a segment, the kept one when it has that size. */
    private MemorySegment head(int n) {
        MemorySegment s = lastSlice;
        if (s.byteSize() != n) {
            s = whole.asSlice(0, n);
            lastSlice = s;
        }
        return s;
    }

    private void writeFully(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (channel.write(src) == 0 && src.hasRemaining()) {
                throw new FifoException(name, "the channel accepted nothing (non-blocking mode);"
                        + " a message writer needs a blocking channel");
            }
        }
    }

    private void checkOpen() throws FifoClosedException {
        if (closed) {
            throw new FifoClosedException(name, "the message writer is closed");
        }
    }
}
