package dev.fifokit.server;

import dev.fifokit.ends.FifoReader;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Cuts {@code server.fifo}'s bytes into request frames, surviving garbage. It works on its own
 * buffer, one header check per byte offset at most (two 64-bit loads; one byte load per six
 * offsets for garbage whose bytes are not zero), so garbage costs bounded CPU per byte and no
 * allocation:
 * <ul>
 *   <li>A header is plausible when its length is 0 to PIPE_BUF - 16 and its type is a request
 *       type (a client id, or the token form). Anything else is garbage: skip one byte and
 *       look again.</li>
 *   <li>A plausible frame still incomplete when everything queued in the pipe has been read is
 *       garbage too (every real request is one atomic write, so it cannot be a request still
 *       arriving): skip one byte, so a complete request inside the bytes it claimed is still
 *       found. The same holds for fewer than 16 bytes left over.</li>
 *   <li>A complete plausible frame must also pass the {@link FrameCheck}: it could be a live
 *       client's request (in the server: a simple-form request's reply FIFO exists; a
 *       token-form ticket announces the body length it carries). One that does not is garbage:
 *       skip one byte.</li>
 *   <li>A complete frame that passes is still refused (skip one byte) when it swallows another
 *       complete frame that passes the check and lies wholly inside it. Real requests are
 *       atomic writes: one never begins inside another, so a header in front of a whole live
 *       request is garbage that happens to look like a header (a stray byte before a short
 *       request does: its length reads as 256 times the request's, its type as 256 times the
 *       client id).</li>
 * </ul>
 * Skipping never throws away bytes already read: every offset is looked at, so every complete
 * request that was read is found. Each run of garbage is counted and reported through the
 * rate-limited log. Used by the acceptor thread only.
 */
final class RequestReader {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final int CHUNK = 64 * 1024;
    /** A run of garbage longer than this is reported even while it goes on. */
    private static final long REPORT_RUN = 1 << 20;

    /** Receives each plausible frame, in order. */
    interface FrameSink {
        /** Handles a frame; false when the server is stopping and wants no more. */
        boolean frame(long type, byte[] payload) throws InterruptedException;
    }

    /**
     * Says whether a complete plausible frame could be a live client's request. Called with the
     * reader's own buffer: it must neither keep nor change it.
     */
    interface FrameCheck {
        /** True when the frame of {@code type} whose payload is {@code buf[off, off + len)} may be a request. */
        boolean live(long type, byte[] buf, int off, int len);
    }

    private FifoReader fifo;
    private final FrameCheck check;
    private final int maxPayload;
    private final Path path;
    private final ServerLog log;
    private byte[] buf = new byte[CHUNK + 8192];
    private int start;        // next unparsed byte
    private int end;          // end of valid bytes
    private long base;        // stream offset of buf[0]
    private long garbageAt = -1;
    private long garbageRun;

    RequestReader(FifoReader fifo, int maxPayload, Path path, ServerLog log, FrameCheck check) {
        this.fifo = fifo;
        this.check = check;
        this.maxPayload = maxPayload;
        this.path = path;
        this.log = log;
    }

    /** Reads on from {@code other} (another descriptor of the same pipe), keeping what is buffered. */
    void switchTo(FifoReader other) {
        this.fifo = other;
    }

    /** Waits (blocking, without limit) until the pipe has bytes, and reads what is there. */
    void fillBlocking() throws IOException {
        compact();
        int got = fifo.read(buf, end, buf.length - end);
        if (got < 0) {
            throw new dev.fifokit.FifoClosedException(fifo.path(), "server FIFO reached end of stream");
        }
        end += got;
    }

    private void compact() {
        if (buf.length - end < CHUNK) {
            System.arraycopy(buf, start, buf, 0, end - start);
            base += start;
            end -= start;
            start = 0;
        }
    }

    /** Bytes read from the pipe but not parsed yet. */
    int buffered() {
        return end - start;
    }

    /**
     * The server's check: a simple-form request's reply FIFO name exists in {@code dir} (a client
     * creates it before it sends; whatever is there is judged when the reply is opened), and a
     * token-form ticket is whole and announces either the body it carries or a body to come.
     * One {@code lstat} per simple-form frame, nothing for the token form.
     */
    static FrameCheck replyFifoCheck(Path dir) {
        return (type, buf, off, len) -> {
            if (ServerProtocol.isClientId(type)) {
                return java.nio.file.Files.exists(dir.resolve(ServerProtocol.clientFifoName(type)),
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
            }
            if (len < ServerProtocol.TICKET_BYTES) {
                return false;
            }
            long length = (long) LONG.get(buf, off + ServerProtocol.TOKEN_BYTES);
            int inline = len - ServerProtocol.TICKET_BYTES;
            return length == inline || (inline == 0 && length > 0);
        };
    }

    /** True when {@code type} can start a request. */
    static boolean isRequestType(long type) {
        return ServerProtocol.isClientId(type) || ServerProtocol.isTokenForm(type);
    }

    /**
     * Parses what is buffered and what is queued in the pipe, reading at most {@code budget}
     * more bytes from it, and hands every complete frame to {@code sink}. Never blocks on the
     * pipe. Returns false when the sink asked to stop.
     */
    boolean pass(FrameSink sink, long budget) throws IOException, InterruptedException {
        return pass(sink, budget, true);
    }

    /**
     * As {@link #pass(FrameSink, long)}; with {@code untilEmpty} false it returns as soon as
     * every buffered byte is parsed, without asking the pipe how much is queued (one ioctl
     * fewer per read): for a caller whose next step is {@link #fillBlocking()} anyway, which
     * reads whatever is queued. The pipe is still asked when a partial frame is buffered, or
     * when garbage was being skipped (its report waits for the pipe to be found empty).
     */
    boolean pass(FrameSink sink, long budget, boolean untilEmpty) throws IOException, InterruptedException {
        boolean exhausted = false;
        while (true) {
            int n = end - start;
            if (n == 0 && !untilEmpty && garbageAt < 0) {
                return true; // (a run of garbage is reported once the pipe is found empty, as below)
            }
            if (n < ServerProtocol.HEADER_BYTES) {
                if (!exhausted) {
                    if (budget <= 0) {
                        return true; // more next pass: what is buffered may be the start of a request
                    }
                    int got = fill(budget);
                    budget -= got;
                    if (got > 0) {
                        continue;
                    }
                    exhausted = true;
                }
                if (n > 0) {
                    garbage(n);
                    start = end;
                }
                endGarbage("a partial frame with nothing more in the pipe (a request must be one write of a whole frame)");
                return true;
            }
            if (buf[start + 7] != 0) {
                // the top byte of this length is not 0, and it is a byte 2 to 7 of the length
                // at each of the next five offsets too: none of the six can be a header
                garbage(6);
                start += 6;
                continue;
            }
            long len = (long) LONG.get(buf, start);
            long type = (long) LONG.get(buf, start + 8);
            if (len < 0 || len > maxPayload || !isRequestType(type)) {
                garbage(1);
                start++;
                continue;
            }
            int total = ServerProtocol.HEADER_BYTES + (int) len;
            if (n < total) {
                if (!exhausted) {
                    if (budget <= 0) {
                        return true; // more next pass: this frame may still be completed from the pipe
                    }
                    int got = fill(budget);
                    budget -= got;
                    if (got > 0) {
                        continue;
                    }
                    exhausted = true;
                }
                garbage(1); // incomplete with nothing more queued: not a request
                start++;
                continue;
            }
            if (!check.live(type, buf, start + ServerProtocol.HEADER_BYTES, (int) len) || swallowsALiveFrame(total)) {
                garbage(1); // not a live client's request, or garbage in front of one: look on from the next byte
                start++;
                continue;
            }
            byte[] payload = java.util.Arrays.copyOfRange(buf, start + ServerProtocol.HEADER_BYTES, start + total);
            start += total;
            endGarbage("not a request frame");
            if (!sink.frame(type, payload)) {
                return false;
            }
        }
    }

    /**
     * True when the frame at {@code start}, {@code total} bytes long, holds a whole other frame
     * that is plausible and live: the outer one is then garbage in front of a request (requests
     * are atomic writes and never begin inside one another). Costs one check per byte of the
     * frame at most, no allocation.
     */
    private boolean swallowsALiveFrame(int total) {
        int limit = start + total - ServerProtocol.HEADER_BYTES; // an inner header must end inside the frame
        for (int at = start + 1; at <= limit; ) {
            if (buf[at + 7] != 0) {
                at += 6; // as in pass(): none of the six offsets can hold a length
                continue;
            }
            long len = (long) LONG.get(buf, at);
            if (len >= 0 && len <= limit - at) { // plausible, and wholly inside the outer frame
                long type = (long) LONG.get(buf, at + 8);
                if (isRequestType(type) && check.live(type, buf, at + ServerProtocol.HEADER_BYTES, (int) len)) {
                    return true;
                }
            }
            at++;
        }
        return false;
    }

    /** Reads what is queued now (at most {@code budget} bytes, which is positive), never waiting; the count read. */
    private int fill(long budget) throws IOException {
        int queued = fifo.available();
        if (queued <= 0) {
            return 0;
        }
        compact();
        int want = (int) Math.min(Math.min(queued, buf.length - end), budget);
        int got = fifo.read(buf, end, want);
        if (got < 0) {
            throw new dev.fifokit.FifoClosedException(fifo.path(), "server FIFO reached end of stream");
        }
        end += got;
        return got;
    }

    private void garbage(int bytes) {
        if (garbageAt < 0) {
            garbageAt = base + start;
        }
        garbageRun += bytes;
        if (garbageRun >= REPORT_RUN) {
            endGarbage("garbage still arriving");
        }
    }

    private void endGarbage(String why) {
        if (garbageAt < 0) {
            return;
        }
        log.garbage(garbageRun);
        log.event("garbage", path + ": discarded " + garbageRun + " byte" + (garbageRun == 1 ? "" : "s")
                + " at offset " + garbageAt + ": " + why + " (" + log.garbageBytes.get() + " bytes of garbage so far)");
        garbageAt = -1;
        garbageRun = 0;
    }
}
