package dev.fifokit.messages;

import dev.fifokit.FifoException;
import dev.fifokit.ends.FifoEnd;
import dev.fifokit.ends.FifoReader;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;
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

    private static final int OK = 0;
    private static final int EOF = 1;
    private static final int EMPTY = 2;

    private final ReadableByteChannel channel;
    private final FifoEnd fifoEnd;
    private final FifoReader fifoReader;
    private final MemorySegment whole;
    private final Framing framing;
    private final Path name;
    private final int maxPayload;
    private final boolean atomicFrames;
    private final boolean acceptUnterminated;
    private final byte[] buf;
    private final ByteBuffer bb;
    /** The payload view {@link #receiveAll} hands out. */
    private final ByteBuffer view;
    private ByteBuffer lineView;
    private boolean delivering;
    private int start;
    private int end;
    /** Stream offset of {@code buf[0]}. */
    private long base;
    private long lastType;
    private int pendingLength;

    private byte[] line = new byte[0];
    private int lineLength;
    private boolean lineReady;
    private boolean skipping;

    private final ReentrantLock lock = new ReentrantLock();

    private MessageReader(ReadableByteChannel channel, Framing framing, MessageOptions options) throws FifoException {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.framing = Objects.requireNonNull(framing, "framing");
        this.fifoEnd = channel instanceof FifoEnd e ? e : null;
        this.fifoReader = channel instanceof FifoReader r ? r : null;
        this.name = Frames.name(channel, options);
        this.maxPayload = options.resolveMaxPayload(Frames.pipeBuf(channel), false);
        this.atomicFrames = options.isAtomicFrames();
        this.acceptUnterminated = options.isAcceptUnterminatedLine();
        this.buf = new byte[Math.max(Frames.HEADER, options.bufferBytes())];
        this.bb = ByteBuffer.wrap(buf);
        this.view = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        this.whole = MemorySegment.ofArray(buf);
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
            if (framing == Framing.LINE) {
                if (!nextLine()) {
                    return null;
                }
                lineReady = false;
                lastType = Framing.LINE_TYPE;
                return new Message(Framing.LINE_TYPE, Arrays.copyOf(line, lineLength));
            }
            if (!header()) {
                return null;
            }
            byte[] payload = new byte[pendingLength];
            payload(ByteBuffer.wrap(payload));
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
            if (framing == Framing.LINE) {
                if (!nextLine()) {
                    return -1;
                }
                if (into.remaining() < lineLength) {
                    lineReady = true;
                    throw new BufferOverflowException();
                }
                into.put(line, 0, lineLength);
                lineReady = false;
                lastType = Framing.LINE_TYPE;
                return lineLength;
            }
            if (!header()) {
                return -1;
            }
            if (into.remaining() < pendingLength) {
                throw new BufferOverflowException();
            }
            return payload(into);
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
                return framing == Framing.LINE ? deliverLines(handler) : deliverFrames(handler);
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
            if (framing == Framing.LINE) {
                return lineReady || indexOf(Frames.NEWLINE, start, end) >= 0;
            }
            if (end - start < Frames.HEADER) {
                return false;
            }
            long len = Frames.getLong(buf, start);
            return len < 0 || len > maxPayload || end - start >= Frames.HEADER + len;
        } finally {
            lock.unlock();
        }
    }

    /** {@return bytes read from the channel and not yet handed out as messages} */
    public int buffered() {
        lock.lock();
        try {
            return end - start + (lineReady ? lineLength : 0);
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
            int n = end - start;
            base += end;
            start = 0;
            end = 0;
            lineReady = false;
            skipping = false;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** {@return bytes consumed so far: the stream offset at which the next frame starts} */
    public long offset() {
        lock.lock();
        try {
            return base + start;
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
        return maxPayload;
    }

    /** Closes the channel. */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    // ---- mesg ----

    private int deliverFrames(MessageHandler handler) throws IOException {
        if (!header()) {
            return -1;
        }
        int len = pendingLength;
        if (Frames.HEADER + len > buf.length) {
            byte[] payload = new byte[len];
            payload(ByteBuffer.wrap(payload));
            handler.onMessage(lastType, ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder()));
            return 1;
        }
        int st = fill(Frames.HEADER + len);
        if (st != OK) {
            int have = end - start;
            throw truncated(offset0(), have, st, "after " + (have - Frames.HEADER) + " of " + len + " payload bytes");
        }
        int count = 0;
        while (true) {
            int at = start + Frames.HEADER;
            start = at + len;
            count++;
            view.limit(start).position(at);
            handler.onMessage(lastType, view);
            if (end - start < Frames.HEADER) {
                return count;
            }
            long next = Frames.getLong(buf, start);
            if (next < 0 || next > maxPayload || end - start - Frames.HEADER < next) {
                return count; // a bad header throws on the next call; a partial frame waits for it
            }
            len = (int) next;
            lastType = Frames.getLong(buf, start + 8);
        }
    }

    /** Buffers and checks the next header, leaving it unconsumed; false at a clean end. */
    private boolean header() throws IOException {
        int st = fill(Frames.HEADER);
        if (st != OK) {
            int have = end - start;
            if (have == 0 && st == EOF) {
                return false;
            }
            throw truncated(offset0(), have, st, "after " + have + " of the " + Frames.HEADER + " header bytes");
        }
        long len = Frames.getLong(buf, start);
        if (len < 0) {
            throw new CorruptFrameException(name, offset0(), "negative length " + len, badHeader());
        }
        if (len > maxPayload) {
            throw new CorruptFrameException(name, offset0(), "length " + len
                    + " is over the maximum payload of " + maxPayload + " bytes", badHeader());
        }
        pendingLength = (int) len;
        lastType = Frames.getLong(buf, start + 8);
        return true;
    }

    /** Consumes the checked header and moves its payload into {@code dst}. */
    private int payload(ByteBuffer dst) throws IOException {
        int len = pendingLength;
        long frameStart = offset0();
        if (Frames.HEADER + len <= buf.length) {
            int st = fill(Frames.HEADER + len);
            if (st != OK) {
                int have = end - start;
                throw truncated(frameStart, have, st, "after " + (have - Frames.HEADER) + " of " + len + " payload bytes");
            }
            dst.put(buf, start + Frames.HEADER, len);
            start += Frames.HEADER + len;
            return len;
        }
        // bigger than the buffer (a large maximum): read the rest straight into the destination
        int position = dst.position();
        start += Frames.HEADER;
        int have = Math.min(end - start, len);
        dst.put(buf, start, have);
        start += have;
        int limit = dst.limit();
        dst.limit(position + len);
        try {
            while (dst.hasRemaining()) {
                int st = OK;
                if (atomicFrames && fifoEnd != null && fifoEnd.available() == 0) {
                    st = EMPTY;
                } else {
                    int n = channel.read(dst);
                    if (n < 0) {
                        st = EOF;
                    } else if (n == 0) {
                        throw nonBlocking();
                    } else {
                        base += n; // these bytes never pass through the buffer
                    }
                }
                if (st != OK) {
                    int got = dst.position() - position;
                    dst.position(position);
                    throw new TruncatedMessageException(name, frameStart, Frames.HEADER + got,
                            cause(st) + " after " + got + " of " + len + " payload bytes");
                }
            }
        } finally {
            dst.limit(limit);
        }
        return len;
    }

    /** Makes at least {@code need} bytes (at most the buffer's size) available from {@code start}. */
    private int fill(int need) throws IOException {
        return fill(need, false);
    }

    /**
     * As {@link #fill(int)}; {@code midFrame} says a frame already started before the buffered
     * bytes (a line partly decoded), which matters for {@link MessageOptions#atomicFrames()}.
     */
    private int fill(int need, boolean midFrame) throws IOException {
        while (end - start < need) {
            if (start == end) {
                base += end;
                start = 0;
                end = 0;
            } else if (buf.length - start < need) {
                System.arraycopy(buf, start, buf, 0, end - start);
                base += start;
                end -= start;
                start = 0;
            }
            int st = read(midFrame || end > start);
            if (st != OK) {
                return st;
            }
        }
        return OK;
    }

    /** One read into the free tail of the buffer. */
    private int read(boolean midFrame) throws IOException {
        if (midFrame && atomicFrames && fifoEnd != null && fifoEnd.available() == 0) {
            return EMPTY;
        }
        int n;
        if (fifoReader != null) { // perf: a shallow path the JIT compiles whole, as in MessageWriter
            n = (int) fifoReader.read(whole.asSlice(end, buf.length - end));
        } else {
            bb.limit(buf.length).position(end);
            n = channel.read(bb);
        }
        if (n < 0) {
            return EOF;
        }
        if (n == 0) {
            throw nonBlocking();
        }
        end += n;
        return OK;
    }

    // ---- line ----

    /** Decodes the next line into {@code line[0, lineLength)}; false at a clean end. */
    private boolean nextLine() throws IOException {
        if (lineReady) {
            return true;
        }
        if (skipping && !skipRestOfLine()) {
            return false;
        }
        lineLength = 0;
        long lineStart = offset0();
        long raw = 0;
        boolean escape = false;
        while (true) {
            int i = start;
            while (i < end) {
                byte b = buf[i];
                if (escape) {
                    escape = false;
                    if (b == 'n' || b == Frames.BACKSLASH) {
                        if (!append(b == 'n' ? Frames.NEWLINE : Frames.BACKSLASH)) {
                            throw tooLong(i, lineStart);
                        }
                        i++;
                        continue;
                    }
                    if (!append(Frames.BACKSLASH)) { // a lone backslash stands for itself
                        throw tooLong(i, lineStart);
                    }
                }
                if (b == Frames.NEWLINE) {
                    start = i + 1;
                    return true;
                }
                if (b == Frames.BACKSLASH) {
                    escape = true;
                } else if (!append(b)) {
                    throw tooLong(i, lineStart);
                }
                i++;
            }
            raw += end - start;
            start = end;
            int st = fill(1, raw > 0 || escape);
            if (st == OK) {
                continue;
            }
            if (raw == 0 && st == EOF) {
                return false;
            }
            if (st == EOF && acceptUnterminated) {
                if (escape && !append(Frames.BACKSLASH)) {
                    throw tooLong(start, lineStart);
                }
                return true;
            }
            throw new TruncatedMessageException(name, lineStart, raw,
                    cause(st) + " inside a line of " + raw + " bytes (no newline)",
                    Arrays.copyOf(line, Math.min(lineLength, PARTIAL_KEPT)));
        }
    }

    private boolean append(byte b) {
        if (lineLength == line.length) {
            if (lineLength >= maxPayload) {
                return false;
            }
            int grown = (int) Math.min(maxPayload, Math.max(64L, 2L * line.length));
            line = Arrays.copyOf(line, grown);
        }
        line[lineLength++] = b;
        return true;
    }

    private MessageTooLargeException tooLong(int at, long lineStart) {
        start = at;
        skipping = true;
        return new MessageTooLargeException(name, (long) lineLength + 1, maxPayload, lineStart,
                "a line at byte offset " + lineStart + " is longer than the maximum payload of "
                        + maxPayload + " bytes (the rest of the line is skipped)");
    }

    /** After an over-long line: drops bytes up to and including its newline; false at end of stream. */
    private boolean skipRestOfLine() throws IOException {
        while (true) {
            int nl = indexOf(Frames.NEWLINE, start, end);
            if (nl >= 0) {
                start = nl + 1;
                skipping = false;
                return true;
            }
            start = end;
            int st = fill(1);
            if (st != OK) {
                skipping = false;
                return st != EOF;
            }
        }
    }

    private int deliverLines(MessageHandler handler) throws IOException {
        if (!nextLine()) {
            return -1;
        }
        int count = 0;
        while (true) {
            lineReady = false;
            lastType = Framing.LINE_TYPE;
            count++;
            if (lineView == null || lineView.array() != line) {
                lineView = ByteBuffer.wrap(line).order(ByteOrder.nativeOrder());
            }
            lineView.limit(lineLength).position(0);
            handler.onMessage(Framing.LINE_TYPE, lineView);
            int nl = skipping ? -1 : indexOf(Frames.NEWLINE, start, end);
            // a line that may decode to more than the maximum is left for the next call to throw
            if (nl < 0 || nl - start > maxPayload || !nextLine()) {
                return count;
            }
        }
    }

    // ---- shared ----

    private void checkNotDelivering() {
        if (delivering) {
            throw new IllegalStateException("a message handler called back into its reader");
        }
    }

    private long offset0() {
        return base + start;
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Drops the partial frame (everything buffered from its start) and describes it. */
    private TruncatedMessageException truncated(long frameStart, long received, int status, String detail) {
        byte[] partial = Arrays.copyOfRange(buf, start, start + Math.min(end - start, PARTIAL_KEPT));
        base += end;
        start = 0;
        end = 0;
        return new TruncatedMessageException(name, frameStart, received, cause(status) + " " + detail, partial);
    }

    /** The first bytes of a bad header and what follows it in the buffer, for the error. */
    private byte[] badHeader() {
        return Arrays.copyOfRange(buf, start, start + Math.min(end - start, 64));
    }

    private static String cause(int status) {
        return status == EOF ? "end of stream" : "nothing more queued in the pipe (frames must be atomic)";
    }

    private FifoException nonBlocking() {
        return new FifoException(name, "no data and the channel is non-blocking; a message reader needs a blocking channel");
    }
}
