package dev.fifokit.messages;

import dev.fifokit.FifoException;
import dev.fifokit.ends.FifoEnd;
import dev.fifokit.ends.FifoReader;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A reader's bytes: its channel and the buffer it reads into, the part of it not yet consumed
 * ({@code buf[start, end)}) and the stream offset of {@code buf[0]}. Shared by every framing's
 * decoder, which reads {@link #buf}, {@link #start} and {@link #end} directly and moves
 * {@link #start} as it consumes frames.
 */
final class FrameInput {
    /** {@link #fill} status: the bytes are there. */
    static final int OK = 0;
    /** End of stream. */
    static final int EOF = 1;
    /** Nothing more queued in the pipe, and frames are atomic. */
    static final int EMPTY = 2;

    final Path name;
    final int maxPayload;
    final byte[] buf;
    int start;
    int end;
    /** Stream offset of {@code buf[0]}. */
    long base;

    private final ReadableByteChannel channel;
    private final FifoEnd fifoEnd;
    private final FifoReader fifoReader;
    private final MemorySegment whole;
    /** The last slice read into and where it starts: reads at the same offset allocate nothing. */
    private MemorySegment tail;
    private int tailAt;
    private final ByteBuffer bb;
    private final boolean atomicFrames;

    FrameInput(ReadableByteChannel channel, Path name, int maxPayload, int bufferBytes, boolean atomicFrames) {
        this.channel = channel;
        this.name = name;
        this.maxPayload = maxPayload;
        this.atomicFrames = atomicFrames;
        this.fifoEnd = channel instanceof FifoEnd e ? e : null;
        this.fifoReader = channel instanceof FifoReader r ? r : null;
        this.buf = new byte[bufferBytes];
        this.bb = ByteBuffer.wrap(buf);
        this.whole = MemorySegment.ofArray(buf);
        this.tail = whole;
    }

    /** {@return the stream offset of {@code buf[start]}} */
    long offset() {
        return base + start;
    }

    /** Makes at least {@code need} bytes (at most the buffer's size) available from {@code start}. */
    int fill(int need) throws IOException {
        return fill(need, false);
    }

    /**
     * As {@link #fill(int)}; {@code midFrame} says a frame already started before the buffered
     * bytes (a line partly decoded), which matters for {@link MessageOptions#atomicFrames()}.
     */
    int fill(int need, boolean midFrame) throws IOException {
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
        if (midFrame && nothingQueued()) {
            return EMPTY;
        }
        int n;
        if (fifoReader != null) { // perf: a shallow path the JIT compiles whole, as in MessageWriter
            n = (int) fifoReader.read(tail(end));
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

    /** {@code buf[at, buf.length)} as a segment; the whole buffer (the usual case) allocates nothing. */
    private MemorySegment tail(int at) {
        if (at == 0) {
            return whole;
        }
        if (at != tailAt) {
            tail = whole.asSlice(at, buf.length - at);
            tailAt = at;
        }
        return tail;
    }

    /**
     * One read straight into {@code dst}, past the buffer (a payload bigger than it); the buffer
     * must be empty. Returns a status.
     */
    int readDirect(ByteBuffer dst) throws IOException {
        if (nothingQueued()) {
            return EMPTY;
        }
        int n = channel.read(dst);
        if (n < 0) {
            return EOF;
        }
        if (n == 0) {
            throw nonBlocking();
        }
        base += n; // these bytes never pass through the buffer
        return OK;
    }

    private boolean nothingQueued() throws IOException {
        return atomicFrames && fifoEnd != null && fifoEnd.available() == 0;
    }

    /** Drops every buffered byte and returns how many. */
    int discard() {
        int n = end - start;
        base += end;
        start = 0;
        end = 0;
        return n;
    }

    int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Drops the partial frame (everything buffered from its start) and describes it. */
    TruncatedMessageException truncated(long frameStart, long received, int status, String detail) {
        byte[] partial = Arrays.copyOfRange(buf, start, start + Math.min(end - start, MessageReader.PARTIAL_KEPT));
        discard();
        return new TruncatedMessageException(name, frameStart, received, cause(status) + " " + detail, partial);
    }

    static String cause(int status) {
        return status == EOF ? "end of stream" : "nothing more queued in the pipe (frames must be atomic)";
    }

    FifoException nonBlocking() {
        return new FifoException(name, "no data and the channel is non-blocking; a message reader needs a blocking channel");
    }
}
