package dev.fifokit.bridge;

import dev.fifokit.messages.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One sending session's messages from the moment the session takes them until the far side
 * acknowledges them, numbered from 1. Bounded by a message count and a byte count (plus one
 * message): a session takes no more while it is full. Every method takes the buffer's own lock;
 * none expects the caller to hold it. An acknowledgement that claims more than was ever sent is
 * refused with a {@link BadAcknowledgement}.
 *
 * <p>The session's sending thread appends and reads; the thread that reads acknowledgements
 * drops what they cover; {@link #onChange} is told of every acknowledgement.
 */
final class ReplayBuffer {
    private final Message[] ring;
    private final long maxBytes;
    private final Runnable onChange;
    private final ReentrantLock lock = new ReentrantLock();

    /** Sequence number of the oldest message held (== nextSeq when empty). */
    private long firstSeq = 1;
    private long nextSeq = 1;
    private long bytes;
    private long peakBytes;

    /** The far side acknowledged a message this side never sent: it is confused or hostile. */
    static final class BadAcknowledgement extends BridgeException {
        private static final long serialVersionUID = 1L;

        BadAcknowledgement(String message) {
            super(message, null, true);
        }
    }

    ReplayBuffer(int maxMessages, long maxBytes, Runnable onChange) {
        this.ring = new Message[maxMessages];
        this.maxBytes = maxBytes;
        this.onChange = onChange;
    }

    /** {@return true when one more message may be taken} */
    boolean hasRoom() {
        lock.lock();
        try {
            return nextSeq - firstSeq < ring.length && bytes < maxBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Holds {@code m} as the next message and returns its sequence number (the caller checked {@link #hasRoom()}). */
    long append(Message m) {
        lock.lock();
        try {
            if (nextSeq - firstSeq >= ring.length) {
                throw new IllegalStateException("the replay buffer is full");
            }
            long seq = nextSeq++;
            ring[(int) (seq % ring.length)] = m;
            bytes += m.length();
            peakBytes = Math.max(peakBytes, bytes);
            return seq;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the message with {@code seq}, or null if it is not (or no longer) held} */
    Message get(long seq) {
        lock.lock();
        try {
            return seq < firstSeq || seq >= nextSeq ? null : ring[(int) (seq % ring.length)];
        } finally {
            lock.unlock();
        }
    }

    /**
     * The far side's resume point: it has written every message up to {@code written}. Drops
     * those and returns the first sequence number to send.
     *
     * @throws BadAcknowledgement {@code written} is beyond what this side sent
     */
    long resume(long written, String peer) throws BadAcknowledgement {
        acknowledge(written, peer);
        lock.lock();
        try {
            return firstSeq;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops every message up to {@code seq}: the far side has written them. An older
     * acknowledgement than one already seen changes nothing.
     *
     * @throws BadAcknowledgement {@code seq} is beyond what this side sent
     */
    void acknowledge(long seq, String peer) throws BadAcknowledgement {
        lock.lock();
        try {
            if (seq >= nextSeq) {
                throw new BadAcknowledgement(peer + ": acknowledged message " + seq + ", this side sent up to "
                        + (nextSeq - 1));
            }
            dropUpTo(seq);
        } finally {
            lock.unlock();
        }
        onChange.run();
    }

    private void dropUpTo(long seq) {
        while (firstSeq <= seq) {
            int i = (int) (firstSeq % ring.length);
            bytes -= ring[i].length();
            ring[i] = null;
            firstSeq++;
        }
    }

    /**
     * Removes and returns, in order, every message from {@code seq} on: messages taken that never
     * went out whole on a link, so they may go to another session.
     */
    List<Message> takeFrom(long seq) {
        lock.lock();
        try {
            List<Message> out = new ArrayList<>();
            for (long s = Math.max(seq, firstSeq); s < nextSeq; s++) {
                int i = (int) (s % ring.length);
                out.add(ring[i]);
                bytes -= ring[i].length();
                ring[i] = null;
            }
            nextSeq = Math.max(firstSeq, Math.min(seq, nextSeq));
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the sequence number the next message will get} */
    long nextSeq() {
        lock.lock();
        try {
            return nextSeq;
        } finally {
            lock.unlock();
        }
    }

    /** {@return true when every message taken was acknowledged} */
    boolean drained() {
        lock.lock();
        try {
            return firstSeq == nextSeq;
        } finally {
            lock.unlock();
        }
    }

    /** {@return how many messages are held} */
    int messages() {
        lock.lock();
        try {
            return (int) (nextSeq - firstSeq);
        } finally {
            lock.unlock();
        }
    }

    /** {@return their payload bytes} */
    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the most payload bytes held at once} */
    long peakBytes() {
        lock.lock();
        try {
            return peakBytes;
        } finally {
            lock.unlock();
        }
    }
}
