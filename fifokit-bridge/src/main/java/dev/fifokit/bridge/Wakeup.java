package dev.fifokit.bridge;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A thread's "something changed, look again": anyone may {@link #wake()} it, and a wake that
 * comes before the thread waits is not lost. One waiting thread per instance.
 */
final class Wakeup {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signalled = lock.newCondition();
    private boolean pending;

    void wake() {
        lock.lock();
        try {
            pending = true;
            signalled.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until woken (or a wake came since the last wait), at most {@code millis}. */
    void await(long millis) throws InterruptedException {
        lock.lock();
        try {
            long left = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!pending && left > 0) {
                left = signalled.awaitNanos(left);
            }
            pending = false;
        } finally {
            lock.unlock();
        }
    }
}
