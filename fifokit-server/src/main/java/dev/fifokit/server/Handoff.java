package dev.fifokit.server;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ReplySink} a handler writes into. Parts are handed to the request's supervisor
 * thread, which alone writes the client's FIFO; so interrupting the handler at its deadline
 * never touches the FIFO, and at most {@value #PARTS_AHEAD} parts wait in memory.
 */
final class Handoff implements ReplySink {
    static final int PARTS_AHEAD = 16;

    /** What the supervisor takes: reply data, or the handler's outcome. */
    sealed interface Item permits Part, Done, Abort {}

    record Part(byte[] data) implements Item {}

    /** The handler returned: {@code error} is null on success, else the error reply's text. */
    record Done(String error) implements Item {}

    /** The server gives up on the request (it is stopping): the supervisor ends the reply with {@code reason}. */
    record Abort(String reason) implements Item {}

    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final Semaphore room = new Semaphore(PARTS_AHEAD);
    private final int frameBytes;
    private volatile String closedBecause;

    Handoff(int frameBytes) {
        this.frameBytes = frameBytes;
    }

    @Override
    public void send(byte[] data, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        if (len == 0) {
            return;
        }
        checkOpen();
        try {
            room.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("reply abandoned: " + reasonOr("interrupted"), e);
        }
        checkOpen();
        queue.add(new Part(Arrays.copyOfRange(data, off, off + len)));
    }

    @Override
    public OutputStream outputStream() {
        return new OutputStream() {
            private final byte[] buf = new byte[frameBytes];
            private int n;

            @Override
            public void write(int b) throws IOException {
                if (n == buf.length) {
                    flush();
                }
                buf[n++] = (byte) b;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                while (len > 0) {
                    if (n == buf.length) {
                        flush();
                    }
                    int k = Math.min(len, buf.length - n);
                    System.arraycopy(b, off, buf, n, k);
                    n += k;
                    off += k;
                    len -= k;
                }
            }

            @Override
            public void flush() throws IOException {
                if (n > 0) {
                    send(buf, 0, n);
                    n = 0;
                }
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /** Called on the handler's thread when it has returned; never blocks. */
    void done(String error) {
        queue.add(new Done(error));
    }

    /** Called by the stopping server; never blocks. The supervisor takes it ahead of parts still queued. */
    void abort(String reason) {
        queue.clear();
        queue.add(new Abort(reason));
        room.release(PARTS_AHEAD);
    }

    /** The supervisor's next item, or null when {@code nanos} passed first. */
    Item take(long nanos) throws InterruptedException {
        Item item = queue.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        if (item instanceof Part) {
            room.release();
        }
        return item;
    }

    /** No more parts are taken: every {@code send}, waiting or future, fails with {@code reason}. */
    void close(String reason) {
        closedBecause = reason;
        room.release(PARTS_AHEAD + 1_000);
        queue.clear();
    }

    /** True once the supervisor stopped taking parts. */
    boolean isClosed() {
        return closedBecause != null;
    }

    private void checkOpen() throws IOException {
        String r = closedBecause;
        if (r != null) {
            throw new IOException("reply abandoned: " + r);
        }
    }

    private String reasonOr(String fallback) {
        String r = closedBecause;
        return r != null ? r : fallback;
    }
}
