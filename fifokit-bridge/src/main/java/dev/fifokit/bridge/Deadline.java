package dev.fifokit.bridge;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A total time limit on something that blocks in several steps (connect, TLS, the handshake's
 * reads and writes): when it passes, the socket it {@linkplain #guard(Closeable) guards} is
 * closed, which ends whatever step is blocked. Per-read timeouts would let a peer that sends
 * one byte just before each timeout hold a connection forever; this cannot be stretched.
 */
final class Deadline implements AutoCloseable {
    private static final int RUNNING = 0;
    private static final int FINISHED = 1;
    private static final int EXPIRED = 2;

    private final Duration limit;
    private final long end;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final Thread watchdog;
    private volatile Closeable guarded;

    private Deadline(Duration limit) {
        this.limit = limit;
        this.end = System.nanoTime() + limit.toNanos();
        this.watchdog = Thread.ofVirtual().name("fifokit-bridge-deadline").start(() -> {
            try {
                Thread.sleep(limit);
            } catch (InterruptedException finished) {
                return;
            }
            if (state.compareAndSet(RUNNING, EXPIRED)) {
                closeQuietly(guarded);
            }
        });
    }

    /** Starts the clock. */
    static Deadline start(Duration limit) {
        return new Deadline(limit);
    }

    /** From now on the limit closes {@code c} (at once, if it has already passed). */
    void guard(Closeable c) {
        guarded = c;
        if (state.get() == EXPIRED) {
            closeQuietly(c);
        }
    }

    /** {@return the limit} */
    Duration limit() {
        return limit;
    }

    /** {@return what is left of the limit, at least 1 ms} */
    Duration remaining() {
        return Duration.ofNanos(Math.max(1_000_000, end - System.nanoTime()));
    }

    /** {@return true once the limit passed before the work finished} */
    boolean expired() {
        return state.get() == EXPIRED;
    }

    /** The work finished: nothing will be closed (unless the limit passed already). */
    @Override
    public void close() {
        if (state.compareAndSet(RUNNING, FINISHED)) {
            watchdog.interrupt();
        }
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }
}
