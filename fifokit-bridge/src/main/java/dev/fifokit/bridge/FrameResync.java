package dev.fifokit.bridge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;

/**
 * The seam that makes one writer's corrupt {@code mesg} frame cost only that frame: the FIFO's
 * bytes pass through here on their way to the message reader, and the last of them are kept.
 * When the reader stops at a header that cannot be right, the bytes it holds from that header on
 * are handed to it again from the first later offset where a plausible header starts (a length
 * from 0 to the maximum), instead of being dropped with the whole messages of other writers
 * that were read after it. Each writer's frame is one write(2), so the next frame starts where
 * the bad one ends; the bad frame's own bytes are what is skipped.
 */
final class FrameResync implements ReadableByteChannel {
    private final ReadableByteChannel in;
    /** The last bytes handed out, as a ring. */
    private final byte[] history;
    private long handedOut;
    /** Bytes to hand out again before reading {@link #in}. */
    private byte[] again = new byte[0];
    private int againAt;

    /** {@code keep}: at least the reader's buffer size (what it may hold unconsumed). */
    FrameResync(ReadableByteChannel in, int keep) {
        this.in = in;
        this.history = new byte[Math.max(keep, 64) * 2];
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (againAt < again.length) {
            int n = Math.min(dst.remaining(), again.length - againAt);
            dst.put(again, againAt, n);
            record(again, againAt, n);
            againAt += n;
            return n;
        }
        int at = dst.position();
        int n = in.read(dst);
        if (n > 0) {
            if (dst.hasArray()) {
                record(dst.array(), dst.arrayOffset() + at, n);
            } else {
                byte[] b = new byte[n];
                dst.duplicate().position(at).limit(at + n).get(b);
                record(b, 0, n);
            }
        }
        return n;
    }

    private void record(byte[] b, int off, int n) {
        for (int i = 0; i < n; ) {
            int at = (int) (handedOut % history.length);
            int chunk = Math.min(n - i, history.length - at);
            System.arraycopy(b, off + i, history, at, chunk);
            i += chunk;
            handedOut += chunk;
        }
    }

    /**
     * The reader stopped at a corrupt header and holds the last {@code unconsumed} bytes handed
     * out, from that header on; it is about to drop them. Arranges for them to be handed out
     * again from the next plausible header and returns how many bytes are skipped.
     */
    int skipCorrupt(int unconsumed, int maxPayload) {
        if (unconsumed <= 0) {
            return 0;
        }
        if (unconsumed > history.length) {
            return unconsumed; // more than was kept: nothing better than dropping it
        }
        byte[] held = new byte[unconsumed];
        long start = handedOut - unconsumed;
        for (int i = 0; i < unconsumed; i++) {
            held[i] = history[(int) ((start + i) % history.length)];
        }
        ByteBuffer view = ByteBuffer.wrap(held).order(ByteOrder.nativeOrder());
        int next = 1;
        while (next + Long.BYTES <= unconsumed) {
            long len = view.getLong(next);
            if (len >= 0 && len <= maxPayload) {
                break;
            }
            next++;
        }
        next = Math.min(next, unconsumed);
        byte[] rest = new byte[unconsumed - next + again.length - againAt];
        System.arraycopy(held, next, rest, 0, unconsumed - next);
        System.arraycopy(again, againAt, rest, unconsumed - next, again.length - againAt);
        again = rest;
        againAt = 0;
        return next;
    }

    @Override
    public boolean isOpen() {
        return in.isOpen();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
