package dev.fifokit.server;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link ReplySink} of a handler that runs on its request's own thread (no hand-off to a
 * second thread): what it sends is held in memory, and written to the client when the handler
 * returns (with the end marker, usually in one write(2)). A reply that outgrows
 * {@value #PARTS_AHEAD} held parts, or whose parts have waited a sweep period while the handler
 * keeps running (a handler that streams slowly), is written by a helper thread of the server's
 * while the handler goes on; a {@code send} finding {@value #PARTS_AHEAD} parts still held
 * waits for room, each write being bounded by the client stall limit. While the handler runs,
 * no thread of its own writes the client's FIFO, so interrupting one never closes the reply
 * end (its request thread writes only after the handler has returned, in {@link #finish()}).
 *
 * <p><b>Stopping a handler that overstays.</b> At its deadline, or when the server stops, a
 * thread other than the handler's takes the reply over with {@link #stop}: it waits for any
 * write under way (bounded by the stall limit), marks the reply stopped (every later
 * {@code send} fails), interrupts the handler's thread, and then writes the error reply itself;
 * so a handler that ignores its interrupt cannot delay the client's answer. The server
 * interrupts the handler's thread only there, or when the helper's write failed (the client is
 * gone), each time while holding the write lock and before {@link #finish()} has claimed the
 * reply; {@code finish} clears what such an interrupt left before the request thread writes.
 */
final class HandlerReply implements ReplySink {
    /** Parts held in memory before a {@code send} waits for the helper to write them. */
    static final int PARTS_AHEAD = 16;

    /** Writes parts to the client (the caller holds the write lock); may wait, bounded by the stall limit. */
    interface Wire {
        void write(List<byte[]> parts) throws IOException;
    }

    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int STOPPED = 2;
    private static final int FAILED = 3;

    private final int frameBytes;
    private final Thread runner;
    private final Wire wire;
    private final long sweepNanos;
    /** One writer of the reply end at a time; a take-over holds it from the stop to the error reply's end. */
    private final ReentrantLock writing = new ReentrantLock();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicBoolean stopStarted = new AtomicBoolean();

    // guarded by this
    private final ArrayList<byte[]> held = new ArrayList<>(2);
    private int state = RUNNING;
    private String stoppedBecause;
    private IOException failure;
    /** A helper thread is writing the held parts (or about to). */
    private boolean flushing;

    /** System.nanoTime() after which the sweep writes the held parts; 0 when none are held. */
    private volatile long flushAfter;

    /**
     * @param frameBytes the largest frame payload (the output stream's buffer)
     * @param runner     the thread that runs the handler (and this request)
     * @param wire       how parts reach the client
     * @param sweepNanos how long parts may be held while the handler keeps running
     */
    HandlerReply(int frameBytes, Thread runner, Wire wire, long sweepNanos) {
        this.frameBytes = frameBytes;
        this.runner = runner;
        this.wire = wire;
        this.sweepNanos = sweepNanos;
    }

    @Override
    public void send(byte[] data, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        if (len == 0) {
            return;
        }
        byte[] part = Arrays.copyOfRange(data, off, off + len);
        synchronized (this) {
            while (true) {
                checkRunning();
                if (held.size() < PARTS_AHEAD) {
                    if (held.isEmpty()) {
                        flushAfter = nonZero(System.nanoTime() + sweepNanos);
                    }
                    held.add(part);
                    return;
                }
                // more than memory holds: the helper writes them, this handler waits for room
                startFlusher();
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("reply abandoned: " + (stoppedBecause != null ? stoppedBecause : "interrupted"), e);
                }
            }
        }
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

    /** Starts the helper thread that writes the held parts, unless one is at it. Holds this lock. */
    private void startFlusher() {
        if (!flushing) {
            flushing = true;
            Thread.ofVirtual().name(runner.getName() + "-reply").start(this::flush);
        }
    }

    /**
     * The helper thread: writes what is held until nothing is, or the reply is no longer the
     * handler's. When a write fails, the reply is failed and the handler interrupted (while
     * this thread holds the write lock, so never under a write).
     */
    private void flush() {
        writing.lock();
        try {
            while (true) {
                List<byte[]> parts;
                synchronized (this) {
                    if (state != RUNNING || held.isEmpty()) {
                        flushing = false;
                        return;
                    }
                    parts = new ArrayList<>(held);
                    held.clear();
                    flushAfter = 0;
                    notifyAll(); // room for a waiting send
                }
                try {
                    wire.write(parts);
                } catch (IOException e) {
                    synchronized (this) {
                        flushing = false;
                        if (state != RUNNING) {
                            return;
                        }
                        state = FAILED;
                        failure = e;
                        notifyAll();
                    }
                    runner.interrupt();
                    return;
                }
            }
        } finally {
            writing.unlock();
        }
    }

    /** System.nanoTime() after which held parts should be written by the sweep, or 0. */
    long flushAfter() {
        return flushAfter;
    }

    /** Called by the sweep (never blocks): the held parts are written by the helper thread. */
    synchronized void flushAside() {
        flushAfter = 0;
        if (state == RUNNING && !held.isEmpty()) {
            startFlusher();
        }
    }

    /** Called on the runner once the handler has returned (and its slot is given back). */
    void handlerEnded() {
        ended.countDown();
    }

    /** Waits up to {@code millis} for the handler to return; true when it has. */
    boolean awaitHandler(long millis) throws InterruptedException {
        return ended.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Whether the handler has returned. */
    boolean handlerHasEnded() {
        return ended.getCount() == 0;
    }

    /**
     * Claims the reply for the runner once the handler has returned: the parts still held
     * (to be written with the end marker), or null when a stop took the reply over (and has
     * written, or is writing, its error reply). Clears an interrupt meant for the handler.
     *
     * @throws IOException a write of the reply failed while the handler ran
     */
    List<byte[]> finish() throws IOException {
        writing.lock(); // waits for a take-over or a write by the sweep to end
        try {
            synchronized (this) {
                Thread.interrupted(); // an interrupt is only ever meant for the handler
                flushAfter = 0;
                notifyAll(); // a send still waiting (on a thread the handler left behind) fails
                switch (state) {
                    case RUNNING -> {
                        state = DONE;
                        List<byte[]> parts = new ArrayList<>(held);
                        held.clear();
                        return parts;
                    }
                    case FAILED -> throw failure;
                    default -> {
                        return null;
                    }
                }
            }
        } finally {
            writing.unlock();
        }
    }

    /**
     * Takes the reply over from a handler that is still running (its deadline passed, or the
     * server stops), at most once: on the calling thread, waits for a write under way, marks the
     * reply stopped with {@code why}, drops the parts held, interrupts the handler and runs
     * {@code then} (which writes the error reply) while no one else can write. False, and
     * nothing done, when the handler has returned, a write failed, or a take-over ran already.
     */
    boolean stop(String why, Runnable then) {
        if (!stopStarted.compareAndSet(false, true)) {
            return false;
        }
        writing.lock();
        try {
            synchronized (this) {
                if (state != RUNNING) {
                    return false;
                }
                state = STOPPED;
                stoppedBecause = why;
                held.clear();
                flushAfter = 0;
                notifyAll();
            }
            runner.interrupt();
            then.run();
            return true;
        } finally {
            writing.unlock();
        }
    }

    /** True once the reply is no longer the handler's (stopped, or a write failed). */
    synchronized boolean isClosed() {
        return state == STOPPED || state == FAILED;
    }

    private void checkRunning() throws IOException {
        switch (state) {
            case RUNNING -> { }
            case STOPPED -> throw new IOException("reply abandoned: " + stoppedBecause);
            case FAILED -> throw new IOException("reply abandoned: the reply could not be written", failure);
            default -> throw new IOException("reply abandoned: the handler has returned");
        }
    }

    private static long nonZero(long t) {
        return t == 0 ? 1 : t;
    }
}
