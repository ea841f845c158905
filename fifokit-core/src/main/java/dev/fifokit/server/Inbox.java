package dev.fifokit.server;

import dev.fifokit.ends.FifoReader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * The server's view of {@code server.fifo} for a {@link dev.fifokit.messages.MessageReader}:
 * it hands out the bytes already read, then what is queued in the pipe <em>right now</em>, and
 * reports end of stream (-1) as soon as the pipe is empty. Since every request is one atomic
 * write(2), a frame still incomplete at that point is garbage, and the reader says so
 * (truncated message) instead of waiting for, and swallowing, the next client's request.
 *
 * <p>Bytes are retained from the last {@linkplain #commit(long) committed} offset, so after a
 * corrupt header the caller can {@linkplain #rewind(long) rewind} to the byte after the bad
 * frame's start and look for the next frame there. Offsets count bytes since the server
 * started reading. Used by one thread only (the server's acceptor).
 */
final class Inbox implements ReadableByteChannel {
    private static final int CHUNK = 64 * 1024;

    private final FifoReader fifo;
    private byte[] buf = new byte[CHUNK * 2];
    private long base;   // stream offset of buf[0]
    private int keep;    // buf[0, keep) may be dropped
    private int pos;     // next byte to hand out
    private int limit;   // end of valid bytes

    Inbox(FifoReader fifo) {
        this.fifo = fifo;
    }

    /** Stream offset of the next byte {@link #read} hands out. */
    long position() {
        return base + pos;
    }

    /** Stream offset just past the last byte read from the pipe so far. */
    long end() {
        return base + limit;
    }

    /** True when bytes that were read from the pipe are waiting to be handed out. */
    boolean hasBuffered() {
        return pos < limit;
    }

    /** Hands out bytes again from {@code offset} (which must not be before the last commit). */
    void rewind(long offset) {
        int to = (int) (offset - base);
        if (to < keep || to > limit) {
            throw new IllegalStateException("cannot rewind to " + offset);
        }
        pos = to;
    }

    /** Bytes before {@code offset} are done with and may be dropped. */
    void commit(long offset) {
        int to = (int) Math.min(offset - base, pos);
        if (to > keep) {
            keep = to;
        }
    }

    /** Drops everything read so far, handed out or not (after discarding garbage). */
    void discardAll() {
        pos = limit;
        keep = limit;
    }

    /** Bytes handed out so far are done with. */
    void commitAll() {
        keep = pos;
    }

    /** Waits (blocking, without limit) until the pipe has bytes, and reads them. */
    void fillBlocking() throws IOException {
        room();
        int n = fifo.read(buf, limit, buf.length - limit);
        if (n < 0) {
            throw new dev.fifokit.FifoClosedException(fifo.path(), "server FIFO reached end of stream");
        }
        limit += n;
    }

    /** Bytes queued in the pipe now (FIONREAD). */
    int queued() throws IOException {
        return fifo.available();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (pos == limit) {
            if (fifo.available() == 0) {
                return -1; // nothing more in the pipe right now
            }
            room();
            int n = fifo.read(buf, limit, buf.length - limit);
            if (n <= 0) {
                return -1;
            }
            limit += n;
        }
        int n = Math.min(dst.remaining(), limit - pos);
        dst.put(buf, pos, n);
        pos += n;
        return n;
    }

    /** Makes room for at least one chunk after {@code limit}, dropping committed bytes. */
    private void room() {
        if (buf.length - limit >= CHUNK) {
            return;
        }
        if (keep > 0) {
            System.arraycopy(buf, keep, buf, 0, limit - keep);
            base += keep;
            pos -= keep;
            limit -= keep;
            keep = 0;
        }
        if (buf.length - limit < CHUNK) {
            byte[] bigger = new byte[Math.max(buf.length * 2, limit + CHUNK)];
            System.arraycopy(buf, 0, bigger, 0, limit);
            buf = bigger;
        }
    }

    @Override
    public boolean isOpen() {
        return fifo.isOpen();
    }

    /** Closing the view does not close the FIFO: the server owns it. */
    @Override
    public void close() {
        // the server closes the FIFO itself
    }
}
