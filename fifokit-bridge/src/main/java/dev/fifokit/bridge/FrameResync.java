package dev.fifokit.bridge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;

/**
 * The seam that makes one writer's corrupt {@code mesg} frame cost only that frame: the FIFO's
 * bytes pass through here on their way to the message reader, and the last of them are kept.
 * When the reader stops at a header that cannot be right, the bytes it holds from that header on
 * are handed to it again from the later offset where the next frame most plausibly starts,
 * instead of being dropped with the whole messages of other writers that were read after it.
 * Each writer's frame is one write(2), so the next frame starts where the bad one ends.
 *
 * <p>Where is that? An offset qualifies when a length from 0 to the maximum starts there; of
 * those, the one from which the most whole frames follow one another (ending exactly at the
 * last byte read counts for a little more) wins, the earliest on a tie. A stray byte in front of
 * a short frame reads as a plausible length too, but the frame it claims ends in the middle of
 * the frames behind it, so it chains fewer. With no qualifying offset, all but the last seven
 * bytes (which may begin a header) are skipped. It is a best effort: garbage that happens to
 * form a chain of frames is taken for one.
 */
final class FrameResync implements ReadableByteChannel {
    /** Candidates looked at, and frames followed from each, at most: bounded work for any garbage. */
    private static final int CANDIDATES = 256;
    private static final int CHAIN = 4096;

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
        int next = bestStart(ByteBuffer.wrap(held).order(ByteOrder.nativeOrder()), unconsumed, maxPayload);
        next = Math.min(next, unconsumed);
        byte[] rest = new byte[unconsumed - next + again.length - againAt];
        System.arraycopy(held, next, rest, 0, unconsumed - next);
        System.arraycopy(again, againAt, rest, unconsumed - next, again.length - againAt);
        again = rest;
        againAt = 0;
        return next;
    }

    private static int bestStart(ByteBuffer held, int n, int maxPayload) {
        int best = Math.max(1, n - (Long.BYTES - 1));
        long bestScore = -1;
        int looked = 0;
        for (int at = 1; at + Long.BYTES <= n && looked < CANDIDATES; at++) {
            long len = held.getLong(at);
            if (len < 0 || len > maxPayload) {
                continue;
            }
            looked++;
            long score = chainScore(held, at, n, maxPayload);
            if (score > bestScore) {
                best = at;
                bestScore = score;
            }
        }
        return best;
    }

    /** Twice the whole frames that follow one another from {@code at}, plus one when they end exactly at {@code n}. */
    private static long chainScore(ByteBuffer held, int at, int n, int maxPayload) {
        long whole = 0;
        long pos = at;
        for (int i = 0; i < CHAIN && pos + 2L * Long.BYTES <= n; i++) {
            long len = held.getLong((int) pos);
            if (len < 0 || len > maxPayload) {
                return 2 * whole;
            }
            long end = pos + 2L * Long.BYTES + len;
            if (end > n) {
                return 2 * whole;
            }
            whole++;
            pos = end;
        }
        return 2 * whole + (pos == n ? 1 : 0);
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
