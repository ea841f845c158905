package dev.fifokit.bridge;

import dev.fifokit.messages.Message;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A sending session's messages from the moment they are read from the source until the far side
 * acknowledges them, numbered from 1. Bounded by a message count and a byte count: while it is
 * full, no more is read from the source, so the FIFO's writers block (backpressure) and memory
 * stays bounded (at most {@code maxBytes} plus one message).
 *
 * <p>One link at a time sends from it; a link that reconnects resumes after the far side's last
 * acknowledged message. Whoever reads the source for this session is marked ({@link #reading}),
 * so a thread of a dead link still blocked on the source does not race the new link's thread.
 */
final class ReplayBuffer {
    private final Message[] ring;
    private final long maxBytes;
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();

    /** Sequence number of the oldest message held (== nextSeq when empty). */
    private long firstSeq = 1;
    private long nextSeq = 1;
    private long bytes;
    private long peakBytes;
    private int peakMessages;
    /** A thread is reading the source on this session's behalf. */
    boolean reading;
    /** The source ended after message {@code nextSeq - 1}. */
    boolean sourceEnded;

    ReplayBuffer(int maxMessages, long maxBytes) {
        this.ring = new Message[maxMessages];
        this.maxBytes = maxBytes;
    }

    /** Caller holds the lock. True when one more message may be read. */
    boolean hasRoom() {
        return nextSeq - firstSeq < ring.length && bytes < maxBytes;
    }

    /** Caller holds the lock. Appends and returns the new message's sequence number. */
    long append(Message m) {
        long seq = nextSeq++;
        ring[(int) (seq % ring.length)] = m;
        bytes += m.length();
        peakBytes = Math.max(peakBytes, bytes);
        peakMessages = Math.max(peakMessages, (int) (nextSeq - firstSeq));
        changed.signalAll();
        return seq;
    }

    /** Caller holds the lock. The message with {@code seq}, or null if it is not (or no longer) held. */
    Message get(long seq) {
        if (seq < firstSeq || seq >= nextSeq) {
            return null;
        }
        return ring[(int) (seq % ring.length)];
    }

    /**
     * Drops every message up to {@code seq} (the far side has written them).
     *
     * @return false when {@code seq} is beyond anything sent (a confused peer)
     */
    boolean acknowledge(long seq) {
        lock.lock();
        try {
            if (seq >= nextSeq) {
                return false;
            }
            while (firstSeq <= seq) {
                int i = (int) (firstSeq % ring.length);
                bytes -= ring[i].length();
                ring[i] = null;
                firstSeq++;
            }
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the lock. */
    long firstSeq() {
        return firstSeq;
    }

    /** Caller holds the lock. */
    long nextSeq() {
        return nextSeq;
    }

    /** Caller holds the lock. True when every message read was acknowledged. */
    boolean drained() {
        return firstSeq == nextSeq;
    }

    void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the lock: waits a little for a change. */
    void await() throws InterruptedException {
        changed.await(200, TimeUnit.MILLISECONDS);
    }

    int messages() {
        lock.lock();
        try {
            return (int) (nextSeq - firstSeq);
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    long peakBytes() {
        lock.lock();
        try {
            return peakBytes;
        } finally {
            lock.unlock();
        }
    }

    int peakMessages() {
        lock.lock();
        try {
            return peakMessages;
        } finally {
            lock.unlock();
        }
    }
}
